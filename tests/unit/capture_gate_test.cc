#include "gpu/capture_gate.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace ortbackend::gpu {
namespace {

TEST(CaptureGate, SharedEntriesDoNotExcludeEachOther) {
  CaptureGate gate;
  CaptureGate::Entry a(&gate, false);
  CaptureGate::Entry b(&gate, false);  // would deadlock if shared entries excluded each other
  SUCCEED();
}

TEST(CaptureGate, AloneEntryWaitsUntilSharedEntriesLeave) {
  CaptureGate gate;
  std::atomic<bool> inside{false};
  std::thread capture;
  {
    CaptureGate::Entry run(&gate, false);
    capture = std::thread([&] {
      CaptureGate::Entry alone(&gate, true);
      inside = true;
    });
    // However long this takes, the capture cannot be inside while a run is.
    for (int i = 0; i < 1000; ++i) std::this_thread::yield();
    EXPECT_FALSE(inside.load());
  }
  capture.join();
  EXPECT_TRUE(inside.load());
}

TEST(CaptureGate, MovedEntryLeavesOnce) {
  CaptureGate gate;
  {
    CaptureGate::Entry a(&gate, true);
    CaptureGate::Entry b(std::move(a));
  }
  CaptureGate::Entry again(&gate, true);  // would block forever if the gate were still held
  SUCCEED();
}

}  // namespace
}  // namespace ortbackend::gpu
