#include "execute/batch_pipeline.h"

namespace ortbackend {

BatchPipeline::BatchPipeline(size_t lanes, RunFn run) : run_(std::move(run)) {
  lanes_.reserve(lanes);
  for (size_t i = 0; i < lanes; ++i) {
    lanes_.push_back(std::make_unique<Lane>());
    free_.push_back(lanes - 1 - i);  // lane 0 first
  }
  // Started once every lane exists: a thread reads only its own lane, but
  // under the mutex, which the vector's growth above did not take.
  for (size_t i = 0; i < lanes; ++i) lanes_[i]->thread = std::thread([this, i] { Loop(i); });
}

BatchPipeline::~BatchPipeline() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  for (auto& lane : lanes_) lane->wake.notify_one();
  for (auto& lane : lanes_) lane->thread.join();
}

void BatchPipeline::Submit(TRITONBACKEND_Request** requests, uint32_t count) {
  std::unique_lock<std::mutex> lock(mutex_);
  lane_free_.wait(lock, [&] { return !free_.empty(); });
  Lane& lane = *lanes_[free_.back()];
  free_.pop_back();
  lane.requests.assign(requests, requests + count);
  lane.has_work = true;
  lane.wake.notify_one();
}

void BatchPipeline::Loop(size_t i) {
  Lane& lane = *lanes_[i];
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // Work handed over before the stop still runs: its requests are ours.
    lane.wake.wait(lock, [&] { return lane.has_work || stop_; });
    if (!lane.has_work) return;
    lock.unlock();
    run_(i, lane.requests.data(), static_cast<uint32_t>(lane.requests.size()));
    lock.lock();
    lane.has_work = false;
    free_.push_back(i);
    lane_free_.notify_one();
  }
}

}  // namespace ortbackend
