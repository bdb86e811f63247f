#include "ort/memory_release.h"

#include <unistd.h>

#include <cstdio>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ortbackend {

uint64_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t ReturnFreedMemoryToSystem() {
#if defined(__GLIBC__)
  const uint64_t before = ResidentBytes();
  // 0: keep no padding at the top of the main heap. glibc 2.8+ also releases
  // whole free pages inside every arena, which is where a session's buffers
  // sit once freed.
  malloc_trim(0);
  const uint64_t after = ResidentBytes();
  return before > after ? before - after : 0;
#else
  return 0;
#endif
}

}  // namespace ortbackend
