#pragma once
// What a GPU instance's data path shares between its steps: the CUDA
// runtime, the instance's stream (ORT's CUDA provider computes on it, and
// the backend's own copies go on it, so they are ordered with ORT's kernels
// without extra synchronization), its device, and whether it replays CUDA
// graphs. Owned by the instance; created before its session, destroyed after.

#include "gpu/cuda_runtime.h"

namespace ortbackend {

struct InstanceGpu {
  const gpu::CudaRuntime* cuda = nullptr;
  gpu::CudaStream stream;
  int device = -1;
  bool cuda_graphs = false;
  // ORT computes on streams of its own, not on `stream` (plugin EPs or the
  // selection policy instead of the classic CUDA provider): the instance
  // waits for its input copies before each run.
  bool ort_on_own_stream = false;
};

}  // namespace ortbackend
