#pragma once
// What the two raw ONNX Runtime baselines (raw_ort.cc, raw_ort_gpu.cc) share:
// the model's I/O names and batch shapes, the timed loop of caller threads,
// and the JSON line they print. Each program keeps only what its baseline
// means: how inputs are made and how one call runs.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <onnxruntime_cxx_api.h>

namespace rawbench {

// The bench models' inputs: a dynamic first dim is the batch; raw_ort.cc's
// --shape sets any other dynamic dim.
struct ModelIo {
  std::vector<std::string> in_names, out_names;
  std::vector<std::vector<int64_t>> shapes;  // each input's, batch dim set
  std::vector<ONNXTensorElementDataType> types;
  std::vector<const char*> in_ptrs, out_ptrs;

  ModelIo(Ort::Session& session, int64_t batch) {
    Ort::AllocatorWithDefaultOptions alloc;
    for (size_t i = 0; i < session.GetInputCount(); ++i) {
      in_names.push_back(session.GetInputNameAllocated(i, alloc).get());
      const Ort::TypeInfo type_info = session.GetInputTypeInfo(i);  // `info` is a view into it
      const auto info = type_info.GetTensorTypeAndShapeInfo();
      auto shape = info.GetShape();
      if (!shape.empty() && shape[0] < 0) shape[0] = batch;  // a rank-0 or fixed input keeps its shape
      shapes.push_back(shape);
      types.push_back(info.GetElementType());
    }
    for (size_t i = 0; i < session.GetOutputCount(); ++i)
      out_names.push_back(session.GetOutputNameAllocated(i, alloc).get());
    for (auto& n : in_names) in_ptrs.push_back(n.c_str());
    for (auto& n : out_names) out_ptrs.push_back(n.c_str());
  }

  size_t elements(size_t input) const {
    size_t n = 1;
    for (auto d : shapes[input]) n *= static_cast<size_t>(d);
    return n;
  }
};

inline void AppendCuda(Ort::SessionOptions& so, int device_id) {
  OrtCUDAProviderOptionsV2* cuda = nullptr;
  Ort::ThrowOnError(Ort::GetApi().CreateCUDAProviderOptions(&cuda));
  const std::string device = std::to_string(device_id);
  const char* keys[] = {"device_id"};
  const char* values[] = {device.c_str()};
  OrtStatus* status = Ort::GetApi().UpdateCUDAProviderOptions(cuda, keys, values, 1);
  if (status == nullptr) so.AppendExecutionProvider_CUDA_V2(*cuda);
  Ort::GetApi().ReleaseCUDAProviderOptions(cuda);
  Ort::ThrowOnError(status);
}

struct Timing {
  std::vector<double> latencies_us;  // every call inside the window
  double elapsed_s = 0;
};

// Runs `threads` callers. Each first calls make_call(t) on its own thread (its
// inputs, bindings, device) and then calls what that returns in a loop; calls
// inside the measured window, after `warmup_s`, are timed.
template <typename MakeCall>
Timing TimedCallers(int threads, double warmup_s, double seconds, int gap_us, MakeCall make_call) {
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto call = make_call(t);
      while (!stop.load(std::memory_order_relaxed)) {
        const auto t0 = std::chrono::steady_clock::now();
        call();
        const auto t1 = std::chrono::steady_clock::now();
        if (measuring.load(std::memory_order_relaxed))
          latencies[t].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        if (gap_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup_s));
  measuring = true;
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measuring = false;
  Timing timing;
  timing.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  for (auto& w : workers) w.join();
  for (auto& l : latencies) timing.latencies_us.insert(timing.latencies_us.end(), l.begin(), l.end());
  return timing;
}

inline double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

// One JSON object on stdout; `extra` holds more `"key": value, ` fields.
inline void PrintSummary(Timing& timing, int64_t batch, const std::string& extra = "") {
  double sum = 0;
  for (double x : timing.latencies_us) sum += x;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double calls = static_cast<double>(timing.latencies_us.size());
  std::printf(
      "{\"calls_per_s\": %.3f, \"infer_per_s\": %.3f, \"mean_us\": %.3f, \"p50_us\": %.3f, \"p99_us\": %.3f, "
      "\"calls\": %.0f, %s\"peak_rss_kb\": %ld}\n",
      calls / timing.elapsed_s, calls * batch / timing.elapsed_s, calls ? sum / calls : 0.0,
      Percentile(timing.latencies_us, 0.50), Percentile(timing.latencies_us, 0.99), calls, extra.c_str(), ru.ru_maxrss);
}

}  // namespace rawbench
