// ReturnFreedMemoryToSystem against the real allocator: memory freed in the
// middle of the heap (which free() alone keeps) goes back to the OS.

#include "ort/memory_release.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace ortbackend {
namespace {

TEST(MemoryRelease, ResidentBytesReadsTheProcessSize) { EXPECT_GT(ResidentBytes(), 0u); }

// Not under AddressSanitizer: there malloc is ASan's allocator, which keeps
// freed blocks in its quarantine, so there is no glibc heap to trim. The
// plain build's run of this test is the one that checks the trim.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
TEST(MemoryRelease, ReturnsHeapFreedBelowALiveAllocation) {
  // 64 MiB in 4 KiB blocks (below the mmap threshold, so on the heap),
  // touched, then a block allocated after them stays alive: the freed ones
  // are not at the top of the heap, so free() cannot trim them.
  constexpr size_t kBlock = 4096, kBlocks = 64 * 256;
  std::vector<void*> blocks(kBlocks);
  for (auto& b : blocks) {
    b = std::malloc(kBlock);
    std::memset(b, 1, kBlock);
  }
  void* pin = std::malloc(kBlock);
  std::memset(pin, 1, kBlock);
  for (void* b : blocks) std::free(b);
  const uint64_t released = ReturnFreedMemoryToSystem();
  std::free(pin);
  EXPECT_GT(released, 32u << 20);
}
#endif

TEST(MemoryRelease, NothingToReturnIsCheap) {
  ReturnFreedMemoryToSystem();
  EXPECT_LT(ReturnFreedMemoryToSystem(), 8u << 20);
}

}  // namespace
}  // namespace ortbackend
