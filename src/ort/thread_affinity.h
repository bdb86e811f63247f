#pragma once
// Pinning the ONNX Runtime threads of an instance to the CPUs its host policy
// names. ONNX Runtime pins each intra-op pool thread itself (the session's
// `session.intra_op_thread_affinities`, see IntraOpThreadAffinities) but has
// no such setting for the inter-op pool, whose threads start with the mask of
// the thread that creates the session: so the session is also created under
// ScopedThreadAffinity.

#include <sched.h>

#include <vector>

#include "common/status.h"
#include "config/host_policy.h"

namespace ortbackend {

// The CPUs a policy confines its instance to: its cpu-cores, else the CPUs of
// its numa-node (read from sysfs); empty when it sets neither.
Status PolicyCpus(const HostPolicy& policy, std::vector<int>* out);

// The calling thread's CPU list, as Linux prints it ("0-3" is "0,1,2,3" here).
std::vector<int> CurrentThreadCpus();

// Confines the calling thread to `cpus` for its lifetime, then restores the
// mask it had. Created with Pin(), which fails when the process may not run
// on any of them (a cgroup cpuset, taskset).
class ScopedThreadAffinity {
 public:
  static Status Pin(const std::vector<int>& cpus, const std::string& what, ScopedThreadAffinity* out);
  ScopedThreadAffinity() = default;
  ScopedThreadAffinity(const ScopedThreadAffinity&) = delete;
  ScopedThreadAffinity& operator=(const ScopedThreadAffinity&) = delete;
  ~ScopedThreadAffinity();

 private:
  bool restore_ = false;
  cpu_set_t saved_;
};

}  // namespace ortbackend
