#include "ort/thread_affinity.h"

#include <fstream>
#include <sstream>
#include <string>

#include "triton/log.h"

namespace ortbackend {

Status PolicyCpus(const HostPolicy& policy, std::vector<int>* out) {
  out->clear();
  if (!policy.cpu_cores.empty()) {
    *out = policy.cpu_cores;
    return Status::Ok();
  }
  if (policy.numa_node < 0) return Status::Ok();
  const std::string path = "/sys/devices/system/node/node" + std::to_string(policy.numa_node) + "/cpulist";
  std::ifstream f(path);
  std::string text;
  if (!(f >> text))
    return Status::InvalidArgument("host policy '" + policy.name + "' names numa-node " +
                                   std::to_string(policy.numa_node) + ", which this machine does not have (no " + path +
                                   ")");
  return ParseCpuList(text, path, out);
}

std::vector<int> CurrentThreadCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

Status ScopedThreadAffinity::Pin(const std::vector<int>& cpus, const std::string& what, ScopedThreadAffinity* out) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus)
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  CPU_ZERO(&out->saved_);
  if (sched_getaffinity(0, sizeof(out->saved_), &out->saved_) != 0)
    return Status::Internal(what + ": cannot read this thread's CPU affinity");
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    std::ostringstream allowed;
    for (int c : CurrentThreadCpus()) allowed << (allowed.tellp() > 0 ? "," : "") << c;
    return Status::InvalidArgument(what + ": this process may not run on those CPUs (it may use " + allowed.str() +
                                   ")");
  }
  out->restore_ = true;
  return Status::Ok();
}

ScopedThreadAffinity::~ScopedThreadAffinity() {
  if (restore_ && sched_setaffinity(0, sizeof(saved_), &saved_) != 0)
    ORTB_LOG_WARN("cannot restore a thread's CPU affinity after creating a pinned session");
}

}  // namespace ortbackend
