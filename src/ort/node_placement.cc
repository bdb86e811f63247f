#include "ort/node_placement.h"

#include <map>

namespace ortbackend {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "[Provider]. Number of nodes: N" after `prefix`; false if it is not that.
bool ReadProviderLine(std::string_view line, std::string_view prefix, ProviderNodes* out) {
  if (!StartsWith(line, prefix)) return false;
  line.remove_prefix(prefix.size());
  const size_t close = line.find(']');
  if (close == std::string_view::npos) return false;
  out->provider = std::string(line.substr(0, close));
  const std::string_view count_key = "Number of nodes: ";
  const size_t at = line.find(count_key, close);
  out->count = 0;
  if (at != std::string_view::npos)
    for (char c : line.substr(at + count_key.size())) {
      if (c < '0' || c > '9') break;
      out->count = out->count * 10 + static_cast<uint64_t>(c - '0');
    }
  return true;
}

std::string OpType(const std::string& node) { return node.substr(0, node.find(" (")); }

}  // namespace

const ProviderNodes* NodePlacement::Find(const std::string& provider) const {
  for (const ProviderNodes& p : providers)
    if (p.provider == provider) return &p;
  return nullptr;
}

std::string NodePlacement::Summary() const {
  if (!reported) return "not reported by ONNX Runtime";
  std::string out;
  for (const ProviderNodes& p : providers) {
    if (!out.empty()) out += "; ";
    out += p.provider + ": " + std::to_string(p.count) + " node(s)";
    if (!p.nodes.empty()) out += " (" + OpTypeList(p.nodes) + ")";
  }
  return out;
}

void NodePlacementParser::Feed(std::string_view message) {
  if (message == "Node placements") {
    placement_ = NodePlacement();  // a later block replaces an earlier one
    placement_.reported = true;
    in_block_ = true;
    return;
  }
  if (!in_block_) return;
  ProviderNodes p;
  if (ReadProviderLine(message, " All nodes placed on [", &p)) {
    placement_.providers.push_back(std::move(p));
    in_block_ = false;  // nothing follows this form
  } else if (ReadProviderLine(message, " Node(s) placed on [", &p)) {
    placement_.providers.push_back(std::move(p));
  } else if (StartsWith(message, "  ") && !placement_.providers.empty()) {
    placement_.providers.back().nodes.emplace_back(message.substr(2));
  } else {
    in_block_ = false;
  }
}

std::string OpTypeList(const std::vector<std::string>& nodes) {
  std::vector<std::string> order;
  std::map<std::string, int> counts;
  for (const std::string& n : nodes) {
    const std::string type = OpType(n);
    if (counts[type]++ == 0) order.push_back(type);
  }
  std::string out;
  for (const std::string& type : order) {
    if (!out.empty()) out += ", ";
    out += type;
    if (counts[type] > 1) out += " x" + std::to_string(counts[type]);
  }
  return out;
}

std::string AcceleratorFor(const ExecutionProviderSettings& providers, bool gpu_session) {
  if (providers.selection_policy != EpSelectionPolicy::kNone)
    return std::string("ep_selection_policy ") + EpSelectionPolicyName(providers.selection_policy);
  std::string out;
  for (const auto& ep : gpu_session ? providers.gpu_plugin_eps : providers.cpu_plugin_eps)
    out += (out.empty() ? "" : ", ") + ep.name;
  auto add = [&](const char* name) { out += (out.empty() ? "" : ", ") + std::string(name); };
  if (gpu_session) {
    // TensorRT stands for its CUDA fallback too; a GPU session has CUDA
    // unless plugin EPs named alone replace it.
    if (providers.tensorrt)
      add("TensorRT");
    else if (providers.cuda || providers.gpu_plugin_eps.empty())
      add("CUDA");
  } else if (providers.openvino) {
    add("OpenVINO");
  }
  return out;
}

FallbackVerdict JudgeFallback(const NodePlacement& placement, const std::string& accelerator, ProviderFallback policy) {
  FallbackVerdict v;
  if (accelerator.empty()) return v;
  if (!placement.reported) {
    // Without ORT's report nothing can be checked; a policy that promises
    // a failure on fallback must not pass silently.
    v.fail = policy == ProviderFallback::kFail;
    v.message = std::string("ONNX Runtime did not report where the nodes run, so CPU fallback from ") + accelerator +
                " cannot be checked";
    return v;
  }
  const ProviderNodes* cpu = placement.Find(kCpuProvider);
  if (cpu == nullptr || cpu->count == 0) return v;
  v.fell_back = true;
  v.fail = policy == ProviderFallback::kFail;
  if (placement.providers.size() == 1) {
    v.message = accelerator + " was asked for but took no node: all " + std::to_string(cpu->count) +
                " node(s) run on " + kCpuProvider;
  } else {
    std::string names;
    for (const std::string& n : cpu->nodes) names += (names.empty() ? "" : ", ") + n;
    v.message =
        std::to_string(cpu->count) + " node(s) fell back from " + accelerator + " to " + kCpuProvider + ": " + names;
  }
  return v;
}

}  // namespace ortbackend
