#pragma once
// ORT captures CUDA graphs in the global capture mode, in which a CUDA call
// that is not capture-safe (a stream synchronize, an allocation) made by any
// other thread of the process while a capture is under way fails, and breaks
// the capture too. So a GPU run that may capture enters the gate alone, and
// every other GPU run enters it shared. After warm-up (a few runs per graph)
// nobody needs it alone, and entering shared costs an uncontended mutex.
// Waiting captures go first (new shared entries wait for them), so a busy
// server cannot starve a capture. CUDA work Triton itself does outside the
// backend is not covered (docs/gpu.md says so).

#include <condition_variable>
#include <mutex>

namespace ortbackend::gpu {

class CaptureGate {
 public:
  CaptureGate() = default;
  // The process's one gate.
  static CaptureGate& Get() {
    static CaptureGate gate;
    return gate;
  }

  // Holds the gate for its lifetime: alone when `alone`, else shared.
  class Entry {
   public:
    Entry() = default;
    Entry(CaptureGate* gate, bool alone) : gate_(gate), alone_(alone) {
      if (alone)
        gate_->EnterAlone();
      else
        gate_->EnterShared();
    }
    Entry(Entry&& o) noexcept : gate_(o.gate_), alone_(o.alone_) { o.gate_ = nullptr; }
    Entry& operator=(Entry&& o) noexcept {
      if (this != &o) {
        Leave();
        gate_ = o.gate_;
        alone_ = o.alone_;
        o.gate_ = nullptr;
      }
      return *this;
    }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() { Leave(); }

   private:
    void Leave() {
      if (gate_ == nullptr) return;
      if (alone_)
        gate_->LeaveAlone();
      else
        gate_->LeaveShared();
      gate_ = nullptr;
    }
    CaptureGate* gate_ = nullptr;
    bool alone_ = false;
  };

 private:
  void EnterShared() {
    std::unique_lock<std::mutex> l(mutex_);
    changed_.wait(l, [&] { return alone_ == 0; });
    ++shared_;
  }
  void LeaveShared() {
    std::lock_guard<std::mutex> l(mutex_);
    if (--shared_ == 0) changed_.notify_all();
  }
  void EnterAlone() {
    std::unique_lock<std::mutex> l(mutex_);
    ++alone_;  // from now on, new shared entries wait
    changed_.wait(l, [&] { return shared_ == 0 && !inside_alone_; });
    inside_alone_ = true;
  }
  void LeaveAlone() {
    std::lock_guard<std::mutex> l(mutex_);
    inside_alone_ = false;
    --alone_;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  int shared_ = 0;
  int alone_ = 0;  // waiting or inside
  bool inside_alone_ = false;
};

// ORT runs a graph's first runs normally (it needs 2 before it captures, in
// ONNX Runtime 1.2x-1.31) and captures in the next; one more is a margin.
constexpr int kRunsUntilCaptured = 4;

}  // namespace ortbackend::gpu
