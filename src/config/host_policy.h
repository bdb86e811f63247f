#pragma once
// An instance's host policy, as the server describes it
// (TRITONBACKEND_ModelInstanceHostPolicy): its name, under which clients and
// ensembles may attach input data, and the CPU placement the operator gave
// it with `--host-policy=NAME,cpu-cores=..,numa-node=..`. Plain data, parsed
// without the server; unit-tested.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace ortbackend {

struct HostPolicy {
  // "cpu", "gpu_0" or the instance group's `host_policy`; "" when the server
  // gave none (then inputs are read from their default buffers).
  std::string name;
  // Logical CPUs from `cpu-cores` (0-based, ascending, no repeats); empty
  // when not set.
  std::vector<int> cpu_cores;
  int numa_node = -1;  // from `numa-node`; -1 when not set
  // Settings of the policy that the backend does not apply (logged once).
  std::vector<std::string> other_settings;

  bool pins_cpus() const { return !cpu_cores.empty() || numa_node >= 0; }
};

// `message` is the server's JSON: {"<name>": {"<setting>": "<value>", ...}}.
Status ParseHostPolicy(const nlohmann::json& message, HostPolicy* out);

// A CPU list as Linux and Triton write them: "3", "0-3", "0-3,8,10-11".
// `what` names the text in errors.
Status ParseCpuList(const std::string& text, const std::string& what, std::vector<int>* out);

// ONNX Runtime's `session.intra_op_thread_affinities` for `threads` intra-op
// threads on `cores`: one group per pool thread (the caller is the
// threads-th), each pinned to one core, taken in turn, in ONNX Runtime's
// 1-based numbering ("2;3"). "" when there is no pool thread to pin.
std::string IntraOpThreadAffinities(const std::vector<int>& cores, int threads);

}  // namespace ortbackend
