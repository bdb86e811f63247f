#pragma once
// The process-wide ONNX Runtime environment, owned by the backend state
// (created in TRITONBACKEND_Initialize, destroyed in TRITONBACKEND_Finalize).
// With the global thread pool enabled, every session shares its threads.
// It also holds the registry of plugin EP libraries, which must be
// unregistered before the environment itself is released.

#include <memory>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/backend_settings.h"
#include "ort/ep_library_registry.h"

namespace ortbackend {

class OrtEnvironment {
 public:
  // Checks that the loaded ONNX Runtime library serves the C API version
  // this backend was built with, creates the environment and registers
  // settings.ep_libraries (a library that fails is an error).
  static StatusOr<std::unique_ptr<OrtEnvironment>> Create(const BackendSettings& settings);

  Ort::Env& env() { return env_; }
  bool global_threadpool() const { return global_threadpool_; }
  EpLibraryRegistry& ep_libraries() { return ep_libraries_; }

 private:
  OrtEnvironment(Ort::Env env, bool global) : env_(std::move(env)), global_threadpool_(global), ep_libraries_(&env_) {}
  Ort::Env env_;
  bool global_threadpool_;
  EpLibraryRegistry ep_libraries_;  // declared after env_: released before it
};

// The ONNX Runtime library's version ("1.24.1").
std::string OrtLibraryVersion();

// An error naming `feature` and the ONNX Runtime version it needs when the
// loaded library is older than `needed` ("1.23"); Ok otherwise.
Status RequireOrtVersion(const std::string& feature, int major, int minor);

}  // namespace ortbackend
