#include "execute/responder.h"

#include "triton/error.h"

namespace ortbackend {
namespace {

void SendAll(std::vector<PendingRequest>& requests, TRITONBACKEND_ModelInstance* instance, uint64_t exec_start_ns,
             uint64_t exec_end_ns, const std::string& model_name) {
  for (auto& p : requests) {
    // Statistics first: once the response is sent the client may ask for
    // them, and they must already count this request.
    const bool ok = p.error.ok() && p.response != nullptr;
    const uint64_t cs = ok ? p.compute_start_ns : exec_start_ns;
    const uint64_t ce = ok ? p.compute_end_ns : exec_start_ns;
    TRITONSERVER_Error* stat_err =
        TRITONBACKEND_ModelInstanceReportStatistics(instance, p.request, ok, exec_start_ns, cs, ce, exec_end_ns);
    LogIfError(stat_err, model_name, "reporting a request's statistics");
    if (p.response != nullptr) {
      TRITONSERVER_Error* err = ToTritonError(p.error);
      TRITONSERVER_Error* send_err = TRITONBACKEND_ResponseSend(p.response, TRITONSERVER_RESPONSE_COMPLETE_FINAL, err);
      if (err != nullptr) TRITONSERVER_ErrorDelete(err);
      LogIfError(send_err, model_name, "failed to send a response");
      p.response = nullptr;
    }
    TRITONSERVER_Error* rel_err = TRITONBACKEND_RequestRelease(p.request, TRITONSERVER_REQUEST_RELEASE_ALL);
    LogIfError(rel_err, model_name, "failed to release a request");
  }
  requests.clear();
}

}  // namespace

Responder::Responder(TRITONBACKEND_ModelInstance* instance, std::string model_name, bool threaded)
    : instance_(instance), model_name_(std::move(model_name)) {
  if (threaded) thread_ = std::thread([this] { Loop(); });
}

Responder::~Responder() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Responder::Finish(RequestBatch& batch, const std::vector<RunStats>& runs, uint64_t exec_start_ns,
                       uint64_t exec_end_ns) {
  // Batch statistics first, on this thread: they are done before any
  // response reaches a client that may ask for them.
  for (const RunStats& b : runs)
    LogIfError(TRITONBACKEND_ModelInstanceReportBatchStatistics(instance_, b.batch_size, b.start_ns, b.compute_start_ns,
                                                                b.compute_end_ns, b.end_ns),
               model_name_, "reporting batch statistics");
  if (!thread_.joinable()) {
    batch.TakeRequests(&taken_);
    SendAll(taken_, instance_, exec_start_ns, exec_end_ns, model_name_);
    return;
  }
  Job job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!spare_.empty()) {
      job.requests = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  batch.TakeRequests(&job.requests);
  job.exec_start_ns = exec_start_ns;
  job.exec_end_ns = exec_end_ns;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void Responder::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left to send
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    SendAll(job.requests, instance_, job.exec_start_ns, job.exec_end_ns, model_name_);
    lock.lock();
    spare_.push_back(std::move(job.requests));
  }
}

}  // namespace ortbackend
