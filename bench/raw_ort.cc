// The baseline: ONNX Runtime called directly. One session, `--concurrency`
// threads calling Session::Run in a loop on a random input of the requested
// batch size, for `--seconds`. Prints one JSON object: calls/s, latency
// percentiles of Run, and the process's peak RSS.
//
//   raw_ort_bench --model M.onnx --batch 1 --threads 0 --concurrency 1 --seconds 5 [--cuda 0]
// --threads 0 leaves ORT's default session options untouched (what "raw ORT
// with default options" means in bench/README.md); N > 0 sets intra-op threads.
// --input-sets K cycles each caller through K distinct input buffers, so a
// large input is not already in the cache when Run reads it -- as in a
// server, where every request's data arrives in fresh memory.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <onnxruntime_cxx_api.h>

namespace {

struct Args {
  std::string model;
  int64_t batch = 1;
  int threads = 0;
  int concurrency = 1;
  double seconds = 5;
  double warmup_seconds = 1;
  int gap_us = 0;         // idle time between calls, to mimic a server waiting for requests
  int cuda_device = -1;   // >= 0: run on that GPU through the CUDA execution provider
  int input_sets = 1;     // > 1: cycle through this many distinct input buffers per caller
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--model") a.model = v;
    else if (k == "--batch") a.batch = std::atoll(v.c_str());
    else if (k == "--threads") a.threads = std::atoi(v.c_str());
    else if (k == "--concurrency") a.concurrency = std::atoi(v.c_str());
    else if (k == "--seconds") a.seconds = std::atof(v.c_str());
    else if (k == "--warmup") a.warmup_seconds = std::atof(v.c_str());
    else if (k == "--gap-us") a.gap_us = std::atoi(v.c_str());
    else if (k == "--cuda") a.cuda_device = std::atoi(v.c_str());
    else if (k == "--input-sets") a.input_sets = std::max(1, std::atoi(v.c_str()));
    else { std::fprintf(stderr, "unknown flag %s\n", k.c_str()); std::exit(2); }
  }
  if (a.model.empty()) { std::fprintf(stderr, "--model is required\n"); std::exit(2); }
  return a;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "raw-bench");
  Ort::SessionOptions so;
  if (args.threads > 0) {
    so.SetIntraOpNumThreads(args.threads);
    so.SetInterOpNumThreads(1);
  }
  if (args.cuda_device >= 0) {
    OrtCUDAProviderOptionsV2* cuda = nullptr;
    Ort::ThrowOnError(Ort::GetApi().CreateCUDAProviderOptions(&cuda));
    const std::string device = std::to_string(args.cuda_device);
    const char* keys[] = {"device_id"};
    const char* values[] = {device.c_str()};
    Ort::ThrowOnError(Ort::GetApi().UpdateCUDAProviderOptions(cuda, keys, values, 1));
    so.AppendExecutionProvider_CUDA_V2(*cuda);
    Ort::GetApi().ReleaseCUDAProviderOptions(cuda);
  }
  Ort::Session session(env, args.model.c_str(), so);
  Ort::AllocatorWithDefaultOptions alloc;

  // Every input is FP32 with a dynamic batch dim first (the bench models).
  std::vector<std::string> in_names, out_names;
  std::vector<std::vector<int64_t>> shapes;
  for (size_t i = 0; i < session.GetInputCount(); ++i) {
    in_names.push_back(session.GetInputNameAllocated(i, alloc).get());
    auto shape = session.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
    shape[0] = args.batch;
    shapes.push_back(shape);
  }
  for (size_t i = 0; i < session.GetOutputCount(); ++i) out_names.push_back(session.GetOutputNameAllocated(i, alloc).get());
  std::vector<const char*> in_ptrs, out_ptrs;
  for (auto& n : in_names) in_ptrs.push_back(n.c_str());
  for (auto& n : out_names) out_ptrs.push_back(n.c_str());

  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(args.concurrency);
  std::vector<std::thread> workers;
  for (int t = 0; t < args.concurrency; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::uniform_real_distribution<float> dist(-1, 1);
      Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
      std::vector<std::vector<float>> data;
      std::vector<std::vector<Ort::Value>> sets(args.input_sets);
      for (auto& inputs : sets) {
        for (auto& s : shapes) {
          size_t n = 1;
          for (auto d : s) n *= static_cast<size_t>(d);
          data.emplace_back(n);
          for (auto& x : data.back()) x = dist(rng);
          inputs.push_back(Ort::Value::CreateTensor<float>(mem, data.back().data(), n, s.data(), s.size()));
        }
      }
      Ort::RunOptions ro;
      size_t next = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        const auto& inputs = sets[next];
        next = (next + 1) % sets.size();
        const auto t0 = std::chrono::steady_clock::now();
        auto out = session.Run(ro, in_ptrs.data(), inputs.data(), inputs.size(), out_ptrs.data(), out_ptrs.size());
        const auto t1 = std::chrono::steady_clock::now();
        if (measuring.load(std::memory_order_relaxed))
          latencies[t].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        if (args.gap_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(args.gap_us));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(args.warmup_seconds));
  measuring = true;
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(args.seconds));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  for (auto& w : workers) w.join();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  double sum = 0;
  for (double x : all) sum += x;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double calls = static_cast<double>(all.size());
  std::printf("{\"calls_per_s\": %.3f, \"infer_per_s\": %.3f, \"mean_us\": %.3f, \"p50_us\": %.3f, \"p99_us\": %.3f, "
              "\"calls\": %.0f, \"peak_rss_kb\": %ld}\n",
              calls / elapsed, calls * args.batch / elapsed, calls ? sum / calls : 0.0, Percentile(all, 0.50),
              Percentile(all, 0.99), calls, ru.ru_maxrss);
  return 0;
}
