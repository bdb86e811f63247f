#pragma once
// What the backend holds for its whole life, shared by every model: the
// parsed --backend-config settings, the one ONNX Runtime environment, and the
// metric families. Created in TRITONBACKEND_Initialize, deleted in
// TRITONBACKEND_Finalize.

#include <memory>

#include "config/backend_settings.h"
#include "load/decryptor_registry.h"
#include "ort/environment.h"
#include "triton/metrics.h"

namespace ortbackend {

// The backend-wide state (TRITONBACKEND_BackendSetState).
struct BackendState {
  BackendSettings settings;
  std::unique_ptr<OrtEnvironment> ort;
  // The operator's decryptors for encrypted models (never null once
  // initialized; empty when none is registered).
  std::unique_ptr<DecryptorRegistry> decryptors;
  // Null when the server has metrics off. Outlives every model (their
  // metrics are deleted before the families).
  std::unique_ptr<BackendMetrics> metrics;
};

}  // namespace ortbackend
