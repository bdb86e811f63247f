// The raw ONNX Runtime baseline for the GPU comparison (scripts/gpu/): the
// counterpart of a Triton client whose data is already in GPU memory (CUDA
// shared memory). Inputs live in device memory, filled once; outputs stay in
// device memory (IoBinding). `--sessions` sessions with the CUDA EP, each
// computing on its own stream like one Triton KIND_GPU instance each;
// `--concurrency` threads call Run round-robin over them for `--seconds`.
// Each Run waits for the GPU (ORT synchronizes its stream at the end of a
// run), as a server must before it answers. Prints one JSON object like
// raw_ort_bench. `--device-io 0` feeds host inputs and fetches host outputs
// instead (ORT copies both ways on every call: plain Run, host outputs).
//
//   raw_ort_gpu_bench --model M.onnx --batch 32 --concurrency 4 --sessions 2 --seconds 5 --cuda 0 [--device-io 1]
//
// A separate program from raw_ort.cc so the CPU baseline stays what it was.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "gpu/cuda_runtime.h"

namespace {

using ortbackend::gpu::CudaBuffer;
using ortbackend::gpu::CudaRuntime;

struct Args {
  std::string model;
  int64_t batch = 1;
  int concurrency = 1;
  int sessions = 1;
  double seconds = 5;
  double warmup_seconds = 2;
  int cuda_device = 0;
  bool device_io = true;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--model") a.model = v;
    else if (k == "--batch") a.batch = std::atoll(v.c_str());
    else if (k == "--concurrency") a.concurrency = std::max(1, std::atoi(v.c_str()));
    else if (k == "--sessions") a.sessions = std::max(1, std::atoi(v.c_str()));
    else if (k == "--seconds") a.seconds = std::atof(v.c_str());
    else if (k == "--warmup") a.warmup_seconds = std::atof(v.c_str());
    else if (k == "--cuda") a.cuda_device = std::atoi(v.c_str());
    else if (k == "--device-io") a.device_io = std::atoi(v.c_str()) != 0;
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
  auto runtime = CudaRuntime::Get();
  if (!runtime.ok()) { std::fprintf(stderr, "%s\n", runtime.status().message().c_str()); return 1; }
  const CudaRuntime* cuda = runtime.value();

  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "raw-gpu-bench");
  Ort::SessionOptions so;
  OrtCUDAProviderOptionsV2* cuda_options = nullptr;
  Ort::ThrowOnError(Ort::GetApi().CreateCUDAProviderOptions(&cuda_options));
  const std::string device = std::to_string(args.cuda_device);
  const char* keys[] = {"device_id"};
  const char* values[] = {device.c_str()};
  Ort::ThrowOnError(Ort::GetApi().UpdateCUDAProviderOptions(cuda_options, keys, values, 1));
  so.AppendExecutionProvider_CUDA_V2(*cuda_options);
  Ort::GetApi().ReleaseCUDAProviderOptions(cuda_options);
  std::vector<std::unique_ptr<Ort::Session>> sessions;
  for (int i = 0; i < args.sessions; ++i)
    sessions.push_back(std::make_unique<Ort::Session>(env, args.model.c_str(), so));
  Ort::AllocatorWithDefaultOptions alloc;

  // Every input is FP32 with a dynamic batch dim first (the bench models).
  Ort::Session& first = *sessions[0];
  std::vector<std::string> in_names, out_names;
  std::vector<std::vector<int64_t>> shapes;
  for (size_t i = 0; i < first.GetInputCount(); ++i) {
    in_names.push_back(first.GetInputNameAllocated(i, alloc).get());
    auto shape = first.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
    shape[0] = args.batch;
    shapes.push_back(shape);
  }
  for (size_t i = 0; i < first.GetOutputCount(); ++i) out_names.push_back(first.GetOutputNameAllocated(i, alloc).get());
  std::vector<const char*> in_ptrs, out_ptrs;
  for (auto& n : in_names) in_ptrs.push_back(n.c_str());
  for (auto& n : out_names) out_ptrs.push_back(n.c_str());

  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(args.concurrency);
  std::vector<std::thread> workers;
  for (int t = 0; t < args.concurrency; ++t) {
    workers.emplace_back([&, t] {
      Ort::Session& session = *sessions[static_cast<size_t>(t) % sessions.size()];
      std::mt19937 rng(t);
      std::uniform_real_distribution<float> dist(-1, 1);
      Ort::MemoryInfo host_mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
      Ort::MemoryInfo device_mem("Cuda", OrtDeviceAllocator, args.cuda_device, OrtMemTypeDefault);
      cuda->SetDevice(args.cuda_device);
      std::vector<std::vector<float>> host;
      host.reserve(shapes.size());
      std::vector<CudaBuffer> on_device;
      on_device.reserve(shapes.size());
      std::vector<Ort::Value> inputs;
      Ort::IoBinding binding(session);
      for (size_t i = 0; i < shapes.size(); ++i) {
        size_t n = 1;
        for (auto d : shapes[i]) n *= static_cast<size_t>(d);
        host.emplace_back(n);
        for (auto& x : host.back()) x = dist(rng);
        float* data = host.back().data();
        const Ort::MemoryInfo* info = &host_mem;
        if (args.device_io) {
          // Filled once, like a client's CUDA shared memory region.
          on_device.emplace_back(cuda, CudaBuffer::Kind::kDevice);
          if (!on_device.back().Reserve(n * sizeof(float), "input").ok()) std::abort();
          cuda->MemcpyAsync(on_device.back().data(), data, n * sizeof(float), ortbackend::gpu::kCudaMemcpyDefault,
                            nullptr);
          cuda->StreamSynchronize(nullptr);
          data = static_cast<float*>(on_device.back().data());
          info = &device_mem;
        }
        inputs.push_back(Ort::Value::CreateTensor<float>(*info, data, n, shapes[i].data(), shapes[i].size()));
        // Only device inputs are bound: IoBinding copies a host input to the
        // device once, at bind time, which would hide the per-call copy.
        if (args.device_io) binding.BindInput(in_names[i].c_str(), inputs.back());
      }
      for (const auto& name : out_names) binding.BindOutput(name.c_str(), device_mem);
      Ort::RunOptions ro;
      while (!stop.load(std::memory_order_relaxed)) {
        const auto t0 = std::chrono::steady_clock::now();
        if (args.device_io)
          session.Run(ro, binding);
        else
          session.Run(ro, in_ptrs.data(), inputs.data(), inputs.size(), out_ptrs.data(), out_ptrs.size());
        const auto t1 = std::chrono::steady_clock::now();
        if (measuring.load(std::memory_order_relaxed))
          latencies[t].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
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
              "\"calls\": %.0f, \"sessions\": %d, \"concurrency\": %d, \"device_io\": %s, \"peak_rss_kb\": %ld}\n",
              calls / elapsed, calls * args.batch / elapsed, calls ? sum / calls : 0.0, Percentile(all, 0.50),
              Percentile(all, 0.99), calls, args.sessions, args.concurrency, args.device_io ? "true" : "false",
              ru.ru_maxrss);
  return 0;
}
