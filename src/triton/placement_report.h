#pragma once
// Tells the user where ONNX Runtime placed a new session's nodes: one INFO
// line per session, the per-provider gauge, and the model's
// execution_provider_fallback policy applied (a warning, or a failed load).

#include <string>

#include "common/status.h"
#include "config/model_settings.h"
#include "ort/node_placement.h"
#include "triton/metrics.h"

namespace ortbackend {

// `accelerator`: what the session was given (AcceleratorFor); empty for a
// CPU-only session, which cannot fall back. An error means the load fails.
Status ReportPlacement(const std::string& model, const NodePlacement& placement, const std::string& accelerator,
                       ProviderFallback policy, ModelMetrics* metrics);

}  // namespace ortbackend
