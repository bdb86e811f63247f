#pragma once
// The last step of every Execute: report each ORT run's batch statistics,
// then for every request, in order, report its statistics, send its response
// (with its error, if any) and release it. One object per instance, with one
// call, in two variants:
//
// - synchronous (CPU instances): all of it happens inside Finish();
// - threaded (GPU instances): the batch statistics are reported inside
//   Finish(), the requests are handed to a thread of the responder's own,
//   which sends and releases them. A GPU instance's Execute is mostly
//   waiting for the GPU, and Triton hands it the next batch only when Execute
//   returns; sending a response (the frontend serializes it) and releasing
//   its request take tens of microseconds each, during which that instance's
//   GPU stream would sit idle. With CUDA shared memory and a small, fast
//   model this is most of Triton's overhead over raw ONNX Runtime.
//
// Contract: after Finish() the batch owns no request; each is sent and
// released once, in order. The destructor sends everything still queued
// before it returns, so the instance can be finalized right after.
// Finish() is called from the instance's one Execute thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "execute/request_batch.h"

namespace ortbackend {

// One successful ORT run of an Execute, for TRITONBACKEND_ModelInstanceReportBatchStatistics.
struct RunStats {
  uint64_t batch_size, start_ns, compute_start_ns, compute_end_ns, end_ns;
};

class Responder {
 public:
  Responder(TRITONBACKEND_ModelInstance* instance, std::string model_name, bool threaded);
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // Takes the batch's requests; `exec_*_ns` are the Execute call's times.
  void Finish(RequestBatch& batch, const std::vector<RunStats>& runs, uint64_t exec_start_ns, uint64_t exec_end_ns);

 private:
  struct Job {
    std::vector<PendingRequest> requests;
    uint64_t exec_start_ns = 0;
    uint64_t exec_end_ns = 0;
  };
  void Loop();

  TRITONBACKEND_ModelInstance* instance_;
  std::string model_name_;
  std::vector<PendingRequest> taken_;  // synchronous variant: the requests being sent
  // Threaded variant only.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  // Emptied request vectors, kept for their capacity (no allocation per call).
  std::vector<std::vector<PendingRequest>> spare_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace ortbackend
