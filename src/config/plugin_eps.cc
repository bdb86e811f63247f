#include "config/plugin_eps.h"

#include <algorithm>
#include <utility>

namespace ortbackend {
namespace {

struct PolicyName {
  EpSelectionPolicy policy;
  const char* name;
};

constexpr PolicyName kPolicies[] = {
    {EpSelectionPolicy::kPreferCpu, "PREFER_CPU"},         {EpSelectionPolicy::kPreferNpu, "PREFER_NPU"},
    {EpSelectionPolicy::kPreferGpu, "PREFER_GPU"},         {EpSelectionPolicy::kMaxPerformance, "MAX_PERFORMANCE"},
    {EpSelectionPolicy::kMaxEfficiency, "MAX_EFFICIENCY"}, {EpSelectionPolicy::kMinOverallPower, "MIN_OVERALL_POWER"},
};

}  // namespace

Status ParseEpLibraryList(const std::string& where, const std::string& value, std::vector<EpLibrarySpec>* out) {
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = std::min(value.find(';', start), value.size());
    const std::string item = value.substr(start, end - start);
    start = end + 1;
    if (item.empty() && end == value.size() && !out->empty()) break;  // a trailing ';'
    const size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
      return Status::InvalidArgument(where + " has invalid value '" + value +
                                     "': expected NAME:PATH (the name to register the EP library under, a colon, "
                                     "the library's file), several separated by ';'");
    EpLibrarySpec spec{item.substr(0, colon), item.substr(colon + 1)};
    auto same_name =
        std::find_if(out->begin(), out->end(), [&](const EpLibrarySpec& s) { return s.name == spec.name; });
    if (same_name != out->end()) {
      if (same_name->path == spec.path) continue;
      return Status::InvalidArgument(where + " registers the name '" + spec.name + "' twice, for '" + same_name->path +
                                     "' and '" + spec.path + "'; give each library its own name");
    }
    out->push_back(std::move(spec));
  }
  return Status::Ok();
}

bool ParseEpSelectionPolicy(const std::string& value, EpSelectionPolicy* out) {
  for (const PolicyName& p : kPolicies) {
    if (value == p.name) {
      *out = p.policy;
      return true;
    }
  }
  return false;
}

const char* EpSelectionPolicyName(EpSelectionPolicy policy) {
  for (const PolicyName& p : kPolicies)
    if (p.policy == policy) return p.name;
  return "none";
}

std::string EpSelectionPolicyNames() {
  std::string out;
  for (const PolicyName& p : kPolicies) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

}  // namespace ortbackend
