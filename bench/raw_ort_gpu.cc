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

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "gpu/cuda_runtime.h"
#include "raw_harness.h"

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
    if (k == "--model")
      a.model = v;
    else if (k == "--batch")
      a.batch = std::atoll(v.c_str());
    else if (k == "--concurrency")
      a.concurrency = std::max(1, std::atoi(v.c_str()));
    else if (k == "--sessions")
      a.sessions = std::max(1, std::atoi(v.c_str()));
    else if (k == "--seconds")
      a.seconds = std::atof(v.c_str());
    else if (k == "--warmup")
      a.warmup_seconds = std::atof(v.c_str());
    else if (k == "--cuda")
      a.cuda_device = std::atoi(v.c_str());
    else if (k == "--device-io")
      a.device_io = std::atoi(v.c_str()) != 0;
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.model.empty()) {
    std::fprintf(stderr, "--model is required\n");
    std::exit(2);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  auto runtime = CudaRuntime::Get();
  if (!runtime.ok()) {
    std::fprintf(stderr, "%s\n", runtime.status().message().c_str());
    return 1;
  }
  const CudaRuntime* cuda = runtime.value();

  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "raw-gpu-bench");
  Ort::SessionOptions so;
  rawbench::AppendCuda(so, args.cuda_device);
  std::vector<std::unique_ptr<Ort::Session>> sessions;
  for (int i = 0; i < args.sessions; ++i)
    sessions.push_back(std::make_unique<Ort::Session>(env, args.model.c_str(), so));
  const rawbench::ModelIo io(*sessions[0], args.batch);

  rawbench::Timing timing = rawbench::TimedCallers(args.concurrency, args.warmup_seconds, args.seconds, 0, [&](int t) {
    Ort::Session& session = *sessions[static_cast<size_t>(t) % sessions.size()];
    std::mt19937 rng(t);
    std::uniform_real_distribution<float> dist(-1, 1);
    Ort::MemoryInfo host_mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    Ort::MemoryInfo device_mem("Cuda", OrtDeviceAllocator, args.cuda_device, OrtMemTypeDefault);
    cuda->SetDevice(args.cuda_device);
    std::vector<std::vector<float>> host;
    host.reserve(io.shapes.size());
    std::vector<CudaBuffer> on_device;
    on_device.reserve(io.shapes.size());
    std::vector<Ort::Value> inputs;
    Ort::IoBinding binding(session);
    for (size_t i = 0; i < io.shapes.size(); ++i) {
      const size_t n = io.elements(i);
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
      inputs.push_back(Ort::Value::CreateTensor<float>(*info, data, n, io.shapes[i].data(), io.shapes[i].size()));
      // Only device inputs are bound: IoBinding copies a host input to the
      // device once, at bind time, which would hide the per-call copy.
      if (args.device_io) binding.BindInput(io.in_names[i].c_str(), inputs.back());
    }
    for (const auto& name : io.out_names) binding.BindOutput(name.c_str(), device_mem);
    // The call owns what its inputs point into (host, on_device) and the binding.
    return [&session, &io, device_io = args.device_io, ro = Ort::RunOptions(), host = std::move(host),
            on_device = std::move(on_device), inputs = std::move(inputs), binding = std::move(binding)]() mutable {
      if (device_io)
        session.Run(ro, binding);
      else
        session.Run(ro, io.in_ptrs.data(), inputs.data(), inputs.size(), io.out_ptrs.data(), io.out_ptrs.size());
    };
  });
  rawbench::PrintSummary(timing, args.batch,
                         "\"sessions\": " + std::to_string(args.sessions) +
                             ", \"concurrency\": " + std::to_string(args.concurrency) +
                             ", \"device_io\": " + (args.device_io ? "true" : "false") + ", ");
  return 0;
}
