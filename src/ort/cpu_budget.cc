#include "ort/cpu_budget.h"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

namespace ortbackend {
namespace {

// cgroup v2 "cpu.max" ("max 100000" or "200000 100000"); 0 when unlimited.
int CgroupQuotaCores() {
  std::ifstream f("/sys/fs/cgroup/cpu.max");
  std::string quota, period;
  if (f >> quota >> period && quota != "max") {
    try {
      const double q = std::stod(quota), p = std::stod(period);
      if (q > 0 && p > 0) return std::max(1, static_cast<int>((q + p - 1) / p));
    } catch (...) {}
  }
  return 0;
}

}  // namespace

int UsableCores() {
  int cores = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cores = CPU_COUNT(&set);
  if (cores <= 0) cores = static_cast<int>(std::thread::hardware_concurrency());
  if (cores <= 0) cores = 1;
  const int quota = CgroupQuotaCores();
  if (quota > 0) cores = std::min(cores, quota);
  return cores;
}

int DefaultIntraOpThreads(int sessions) { return std::max(1, UsableCores() / std::max(1, sessions)); }

}  // namespace ortbackend
