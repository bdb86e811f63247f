#include "load/load_phases.h"

#include <cstdio>

namespace ortbackend {

const char* LoadPhaseName(LoadPhase phase) {
  switch (phase) {
    case LoadPhase::kConfigParse: return "config parse";
    case LoadPhase::kModelRead: return "model read";
    case LoadPhase::kSessionOptions: return "session options";
    case LoadPhase::kSessionCreation: return "session creation";
    case LoadPhase::kMemoryRelease: return "memory release";
    case LoadPhase::kPlacement: return "placement report";
    case LoadPhase::kInspection: return "inspection";
    case LoadPhase::kAutoComplete: return "auto-complete";
    case LoadPhase::kCount: break;
  }
  return "unknown";
}

std::string LoadPhases::Summary(uint64_t total_ns) const {
  std::string out;
  uint64_t counted = 0;
  char buf[64];
  for (size_t i = 0; i < ns_.size(); ++i) {
    counted += ns_[i];
    std::snprintf(buf, sizeof(buf), "%s %.2f ms, ", LoadPhaseName(static_cast<LoadPhase>(i)), ns_[i] / 1e6);
    out += buf;
  }
  std::snprintf(buf, sizeof(buf), "other %.2f ms", total_ns > counted ? (total_ns - counted) / 1e6 : 0.0);
  return out + buf;
}

}  // namespace ortbackend
