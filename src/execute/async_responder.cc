#include "execute/async_responder.h"

namespace ortbackend {

AsyncResponder::AsyncResponder(TRITONBACKEND_ModelInstance* instance, std::string model_name)
    : instance_(instance), model_name_(std::move(model_name)), thread_([this] { Loop(); }) {}

AsyncResponder::~AsyncResponder() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AsyncResponder::Push(RequestBatch& batch, uint64_t exec_start_ns, uint64_t exec_end_ns) {
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

void AsyncResponder::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left to send
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    RequestBatch::SendAll(job.requests, instance_, job.exec_start_ns, job.exec_end_ns, model_name_);
    lock.lock();
    spare_.push_back(std::move(job.requests));
  }
}

}  // namespace ortbackend
