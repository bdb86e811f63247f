#include "triton/placement_report.h"

#include "triton/log.h"

namespace ortbackend {

Status ReportPlacement(const std::string& model, const NodePlacement& placement, const std::string& accelerator,
                       ProviderFallback policy, ModelMetrics* metrics) {
  ORTB_LOG_INFO("model '" + model + "': ONNX Runtime placed the session's nodes: " + placement.Summary());
  for (const ProviderNodes& p : placement.providers) metrics->SetProviderNodes(p.provider, p.count);
  const FallbackVerdict verdict = JudgeFallback(placement, accelerator, policy);
  if (verdict.message.empty()) return Status::Ok();
  if (verdict.fail)
    return Status::InvalidArgument(verdict.message +
                                   "; the model's execution_provider_fallback is 'fail' (set it to 'warn' or 'allow' "
                                   "to load anyway)");
  if (policy == ProviderFallback::kWarn) ORTB_LOG_WARN("model '" + model + "': " + verdict.message);
  return Status::Ok();
}

}  // namespace ortbackend
