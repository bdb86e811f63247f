#include "execute/batch_pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::ElementsAre;

// Stand-ins for Triton's request handles: the pipeline only carries them.
TRITONBACKEND_Request* FakeRequest(uintptr_t n) { return reinterpret_cast<TRITONBACKEND_Request*>(n); }

// A gate the runs wait at until the test opens it. The wait is bounded so
// that a broken pipeline fails the test instead of hanging it.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(BatchPipeline, RunsEveryBatchOnceWithItsOwnRequests) {
  std::mutex mutex;
  std::map<uintptr_t, std::vector<uintptr_t>> seen;  // first request -> the batch's requests
  std::map<uintptr_t, int> runs;
  {
    BatchPipeline pipeline(3, [&](size_t, TRITONBACKEND_Request** requests, uint32_t count) {
      std::vector<uintptr_t> batch;
      for (uint32_t i = 0; i < count; ++i) batch.push_back(reinterpret_cast<uintptr_t>(requests[i]));
      std::lock_guard<std::mutex> lock(mutex);
      ++runs[batch.front()];
      seen[batch.front()] = batch;
    });
    for (uintptr_t b = 1; b <= 50; ++b) {
      // Triton's array is gone once Execute returns: the pipeline must copy it.
      std::vector<TRITONBACKEND_Request*> requests;
      for (uintptr_t i = 0; i < b % 4 + 1; ++i) requests.push_back(FakeRequest(b * 100 + i));
      pipeline.Submit(requests.data(), static_cast<uint32_t>(requests.size()));
      std::fill(requests.begin(), requests.end(), nullptr);
    }
  }
  ASSERT_EQ(seen.size(), 50u);
  for (uintptr_t b = 1; b <= 50; ++b) {
    EXPECT_EQ(runs[b * 100], 1) << "batch " << b;
    ASSERT_EQ(seen[b * 100].size(), b % 4 + 1) << "batch " << b;
    for (uintptr_t i = 0; i < b % 4 + 1; ++i) EXPECT_EQ(seen[b * 100][i], b * 100 + i);
  }
}

TEST(BatchPipeline, LanesRunBatchesAtTheSameTime) {
  // Each of the first three runs waits until all three have started: they
  // can only all start if three lanes run at once.
  std::mutex mutex;
  std::condition_variable cv;
  int started = 0;
  bool all_met = true;
  std::vector<size_t> lanes_used;
  {
    BatchPipeline pipeline(3, [&](size_t lane, TRITONBACKEND_Request**, uint32_t) {
      std::unique_lock<std::mutex> lock(mutex);
      ++started;
      lanes_used.push_back(lane);
      cv.notify_all();
      if (!cv.wait_for(lock, std::chrono::seconds(30), [&] { return started >= 3; })) all_met = false;
    });
    TRITONBACKEND_Request* r = FakeRequest(1);
    for (int i = 0; i < 3; ++i) pipeline.Submit(&r, 1);
  }
  EXPECT_TRUE(all_met);
  std::sort(lanes_used.begin(), lanes_used.end());
  EXPECT_THAT(lanes_used, ElementsAre(0, 1, 2));
}

TEST(BatchPipeline, KeepsNoMoreBatchesInFlightThanLanes) {
  std::atomic<int> in_flight{0}, most{0};
  {
    BatchPipeline pipeline(2, [&](size_t, TRITONBACKEND_Request**, uint32_t) {
      const int now = ++in_flight;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {}
      std::this_thread::yield();
      --in_flight;
    });
    TRITONBACKEND_Request* r = FakeRequest(1);
    for (int i = 0; i < 200; ++i) pipeline.Submit(&r, 1);
  }
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(BatchPipeline, SubmitWaitsForAFreeLane) {
  Gate gate;
  std::mutex mutex;
  std::vector<std::string> events;
  auto log = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back(e);
  };
  {
    BatchPipeline pipeline(2, [&](size_t, TRITONBACKEND_Request** requests, uint32_t) {
      const uintptr_t n = reinterpret_cast<uintptr_t>(requests[0]);
      if (n <= 2) {
        EXPECT_TRUE(gate.Wait());
        log("finished " + std::to_string(n));
      }
    });
    TRITONBACKEND_Request* first = FakeRequest(1);
    TRITONBACKEND_Request* second = FakeRequest(2);
    TRITONBACKEND_Request* third = FakeRequest(3);
    pipeline.Submit(&first, 1);
    pipeline.Submit(&second, 1);
    // Both lanes are held at the gate: the third batch can only be handed
    // over once one of them has finished.
    std::thread submitter([&] {
      pipeline.Submit(&third, 1);
      log("third handed over");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log("gate opened");
    gate.Open();
    submitter.join();
  }
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0], "gate opened");
  const auto handed = std::find(events.begin(), events.end(), "third handed over");
  const auto finished =
      std::find_if(events.begin(), events.end(), [](const std::string& e) { return e.rfind("finished", 0) == 0; });
  EXPECT_LT(finished - events.begin(), handed - events.begin());
}

TEST(BatchPipeline, DestructionWaitsForEveryBatchHandedOver) {
  std::atomic<int> done{0};
  {
    BatchPipeline pipeline(4, [&](size_t, TRITONBACKEND_Request**, uint32_t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ++done;
    });
    TRITONBACKEND_Request* r = FakeRequest(1);
    for (int i = 0; i < 4; ++i) pipeline.Submit(&r, 1);
    // Destroyed at once, with four batches still running.
  }
  EXPECT_EQ(done.load(), 4);
}

TEST(BatchPipeline, OneLaneRunsBatchesInTheOrderSubmitted) {
  std::vector<uintptr_t> order;
  {
    BatchPipeline pipeline(1, [&](size_t lane, TRITONBACKEND_Request** requests, uint32_t) {
      EXPECT_EQ(lane, 0u);
      order.push_back(reinterpret_cast<uintptr_t>(requests[0]));
    });
    for (uintptr_t i = 1; i <= 5; ++i) {
      TRITONBACKEND_Request* r = FakeRequest(i);
      pipeline.Submit(&r, 1);
    }
  }
  EXPECT_THAT(order, ElementsAre(1, 2, 3, 4, 5));
}

}  // namespace
}  // namespace ortbackend
