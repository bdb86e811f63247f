#pragma once
// Which execution provider runs each node of a session, as ONNX Runtime
// itself reports it. ORT 1.24's C API has no call that returns the
// assignment, but a session whose log severity is VERBOSE logs it once while
// it is created (SessionState::FinalizeSessionState), in one of two forms:
//
//   Node placements
//    All nodes placed on [CPUExecutionProvider]. Number of nodes: 3
//
//   Node placements
//    Node(s) placed on [OpenVINOExecutionProvider]. Number of nodes: 1
//     OpenVINO-EP-subgraph_1 (OpenVINOExecutionProvider_OpenVINO-EP-subgraph_1_0)
//    Node(s) placed on [CPUExecutionProvider]. Number of nodes: 1
//     Triple (triple)
//
// The nodes are those of the partitioned graph: a subgraph an accelerator
// compiled is one node. NodePlacementParser reads those lines (fed by
// ort/placement_capture.h); the rest of this file is plain data and checks,
// shared by the backend and ort-model-config. No ORT calls here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/execution_providers.h"
#include "config/model_settings.h"

namespace ortbackend {

inline constexpr const char* kCpuProvider = "CPUExecutionProvider";

struct ProviderNodes {
  std::string provider;  // ORT's name, e.g. "CPUExecutionProvider"
  uint64_t count = 0;
  // "OpType (node name)" of each node. ORT lists none when every node went
  // to one provider, so this is empty then.
  std::vector<std::string> nodes;
};

struct NodePlacement {
  bool reported = false;                 // ORT logged a placement (false: nothing to go on)
  std::vector<ProviderNodes> providers;  // in ORT's order

  const ProviderNodes* Find(const std::string& provider) const;
  // "OpenVINOExecutionProvider: 1 node(s); CPUExecutionProvider: 1 node(s)
  // (Triple)": each provider's count and, where ORT listed them, the op types.
  std::string Summary() const;
};

// Reads ORT's log messages one at a time; only the placement block counts.
class NodePlacementParser {
 public:
  void Feed(std::string_view message);
  const NodePlacement& placement() const { return placement_; }

 private:
  NodePlacement placement_;
  bool in_block_ = false;
};

// The op types of `nodes` ("OpType (name)" entries), each once with its
// count, in first-seen order: "Triple x2, Gather".
std::string OpTypeList(const std::vector<std::string>& nodes);

// The accelerators a session of this kind is given ("TensorRT, CUDA",
// "OpenVINO", plugin EP names, "ep_selection_policy PREFER_CPU"), or empty
// when it only has the CPU provider.
std::string AcceleratorFor(const ExecutionProviderSettings& providers, bool gpu_session);

// What a session's placement means under `policy`, when `accelerator` (e.g.
// "OpenVINO"; empty: none was asked for, nothing can fall back) was asked for.
struct FallbackVerdict {
  bool fell_back = false;  // some nodes went to the CPU provider anyway
  bool fail = false;       // the load must fail (policy kFail)
  std::string message;     // names the provider, the counts and the nodes
};
FallbackVerdict JudgeFallback(const NodePlacement& placement, const std::string& accelerator, ProviderFallback policy);

}  // namespace ortbackend
