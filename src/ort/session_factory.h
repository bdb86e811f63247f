#pragma once
// Turns parsed ModelSettings into ORT session options and sessions.

#include <memory>
#include <string>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/model_settings.h"
#include "load/model_source.h"

namespace ortbackend {

// Decisions made from the settings plus the runtime context.
struct SessionPlan {
  int intra_op_threads = 0;  // 0: ORT's default
  int inter_op_threads = 0;
  bool use_global_threadpool = false;
  // ONNX Runtime's session.intra_op_thread_affinities (IntraOpThreadAffinities);
  // "" leaves the intra-op threads unpinned.
  std::string intra_op_affinities;
};

Status BuildSessionOptions(const ModelSettings& settings, const SessionPlan& plan, Ort::SessionOptions* out);

// Each call opens and reads the model file (and its external data) once; for
// a decrypted model, ORT reads the bytes from memory instead (the model from
// the buffer, its external data through AddExternalInitializersFromFilesInMemory)
// and keeps copies of what it needs, so the plaintext may go once this returns.
// With `prepacked` (not null), the session shares pre-packed weights with the
// other sessions created with the same container (it must outlive them).
Status CreateSession(Ort::Env& env, const ModelSource& model, const Ort::SessionOptions& options,
                     std::unique_ptr<Ort::Session>* out, OrtPrepackedWeightsContainer* prepacked = nullptr);

}  // namespace ortbackend
