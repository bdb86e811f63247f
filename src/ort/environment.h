#pragma once
// The process-wide ONNX Runtime environment, owned by the backend state
// (created in TRITONBACKEND_Initialize, destroyed in TRITONBACKEND_Finalize).
// With the global thread pool enabled, every session shares its threads.

#include <memory>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/backend_settings.h"

namespace ortbackend {

class OrtEnvironment {
 public:
  static StatusOr<std::unique_ptr<OrtEnvironment>> Create(const BackendSettings& settings);

  Ort::Env& env() { return env_; }
  bool global_threadpool() const { return global_threadpool_; }

 private:
  OrtEnvironment(Ort::Env env, bool global) : env_(std::move(env)), global_threadpool_(global) {}
  Ort::Env env_;
  bool global_threadpool_;
};

}  // namespace ortbackend
