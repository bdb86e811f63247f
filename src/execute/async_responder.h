#pragma once
// Sends the responses of one instance's finished Execute calls from a thread
// of its own, so the instance's thread can take the next batch at once.
//
// Why: a GPU instance's Execute is mostly waiting for the GPU, and Triton
// hands it the next batch only when Execute returns. Sending a response
// (the frontend serializes it) and releasing its request take tens of
// microseconds per call, during which that instance's GPU stream would sit
// idle. Handing them to this thread keeps the stream fed; with CUDA shared
// memory and a small, fast model this is most of Triton's overhead over raw
// ONNX Runtime.
//
// Contract: Push() takes the requests of one Execute (taken with
// RequestBatch::TakeRequests); each is sent and released in order, once.
// The destructor sends everything still queued before it returns, so the
// instance can be finalized right after. Thread-safe for one pushing thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "execute/request_batch.h"

namespace ortbackend {

class AsyncResponder {
 public:
  AsyncResponder(TRITONBACKEND_ModelInstance* instance, std::string model_name);
  ~AsyncResponder();
  AsyncResponder(const AsyncResponder&) = delete;
  AsyncResponder& operator=(const AsyncResponder&) = delete;

  // Takes the batch's finished requests; `exec_*_ns` are the Execute call's times.
  void Push(RequestBatch& batch, uint64_t exec_start_ns, uint64_t exec_end_ns);

 private:
  struct Job {
    std::vector<PendingRequest> requests;
    uint64_t exec_start_ns = 0;
    uint64_t exec_end_ns = 0;
  };
  void Loop();

  TRITONBACKEND_ModelInstance* instance_;
  std::string model_name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  // Emptied request vectors, kept for their capacity (no allocation per call).
  std::vector<std::vector<PendingRequest>> spare_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace ortbackend
