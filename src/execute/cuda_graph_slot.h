#pragma once
// What one CUDA graph of a GPU instance keeps between runs. A graph replays
// the kernels it captured on the same addresses, so its inputs and outputs
// live in device buffers of its own, and ORT tells graphs apart by the
// gpu_graph_id of the run options. Owned by the instance, one per graph id
// (CudaGraphId), and handed to the gatherer and scatterer in the RunPlan.

#include <vector>

#include <onnxruntime_cxx_api.h>

#include "gpu/cuda_runtime.h"

namespace ortbackend {

struct CudaGraphSlot {
  Ort::RunOptions run_options{nullptr};  // made on the graph's first run
  int runs = 0;                          // counted up to gpu::kRunsUntilCaptured
  std::vector<gpu::CudaBuffer> inputs;   // one per configured input, made on first use
  std::vector<gpu::CudaBuffer> outputs;  // one per output, made on first use
};

}  // namespace ortbackend
