#pragma once
// The backend's one clock for statistics, traces and load times: steady
// nanoseconds, as Triton's statistics calls expect.

#include <chrono>
#include <cstdint>

namespace ortbackend {

inline uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

}  // namespace ortbackend
