#pragma once
// Several batches in flight inside one model instance.
//
// Triton calls an instance's Execute from one thread and hands it the next
// batch only when Execute returns. An instance that runs each batch to its
// end inside Execute leaves its GPU idle while it gathers the next batch,
// copies the last one out and answers it. The pipeline keeps `lanes` worker
// threads instead; each runs the whole Execute pipeline (gather -> run ->
// scatter -> respond) for the batch it was handed, with buffers of its own,
// on the instance's one session (ORT's Run may be called from several
// threads at once), so one lane's host work overlaps another lane's run.
//
// Contract: Submit() copies the request pointers (Triton's array lives only
// until Execute returns) and returns once a lane has them; it blocks while
// every lane is busy, so at most `lanes` batches are in flight and the
// memory they hold stays bounded. `run` owns the requests it is given (it
// answers and releases every one). The destructor lets every batch already
// handed over run to its end before it returns, so the instance can be
// finalized right after. Submit() is called from one thread (Triton's).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "triton_api/tritonbackend_api.h"

namespace ortbackend {

class BatchPipeline {
 public:
  // Called on lane `lane`'s own thread, one batch at a time per lane.
  using RunFn = std::function<void(size_t lane, TRITONBACKEND_Request** requests, uint32_t count)>;

  BatchPipeline(size_t lanes, RunFn run);
  ~BatchPipeline();
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  void Submit(TRITONBACKEND_Request** requests, uint32_t count);
  size_t lanes() const { return lanes_.size(); }

 private:
  struct Lane {
    std::vector<TRITONBACKEND_Request*> requests;  // keeps its capacity from batch to batch
    bool has_work = false;
    std::condition_variable wake;
    std::thread thread;
  };
  void Loop(size_t lane);

  RunFn run_;
  std::mutex mutex_;
  std::condition_variable lane_free_;
  std::vector<size_t> free_;  // idle lanes; the last one freed is reused first (its buffers are warm)
  bool stop_ = false;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace ortbackend
