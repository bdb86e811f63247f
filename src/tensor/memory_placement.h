#pragma once
// Where each tensor's bytes live and what that means for one ORT run: the
// decisions of the GPU data path, kept free of CUDA and Triton calls so they
// are unit-tested in the CPU build.
//
// An instance is either a CPU instance (gpu_device < 0) or a GPU instance on
// one device. Request inputs and response buffers may be in CPU memory or in
// GPU memory (CUDA shared memory registered by the client).

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

#ifdef TRITON_ENABLE_GPU
constexpr bool kGpuBuild = true;
#else
constexpr bool kGpuBuild = false;
#endif

struct MemoryLocation {
  bool gpu = false;
  int64_t device = 0;  // the GPU's id when gpu
};

// Ok when an input buffer at `where` may reach an instance on `gpu_device`;
// otherwise an error naming the model and the input and saying why (a CPU
// build, a CPU instance, or a BYTES input, which is decoded on the host).
Status CheckInputLocation(const std::string& model, const TensorSpec& input, MemoryLocation where, int gpu_device,
                          bool gpu_build);

// The buffers of one input over the requests of one group.
struct ChunkSummary {
  size_t requests = 0;
  size_t chunks = 0;
  size_t gpu_chunks = 0;
  bool gpu_on_other_device = false;  // some GPU chunk is not on the instance's device
  void AddRequest() { ++requests; }
  void Add(MemoryLocation where, int gpu_device) {
    ++chunks;
    if (!where.gpu) return;
    ++gpu_chunks;
    if (where.device != gpu_device) gpu_on_other_device = true;
  }
};

enum class InputRoute {
  kWrapHost,     // ORT reads the one host buffer in place
  kWrapDevice,   // ORT reads the one device buffer in place (same GPU)
  kStageHost,    // copied into one host scratch tensor (pinned for GPU instances)
  kStageDevice,  // copied into one device scratch tensor on the instance's GPU
};

// How one input of a group reaches ORT. `cuda_graphs`: the instance replays
// CUDA graphs, which read inputs from the same device addresses every run,
// so everything is staged into the instance's persistent device buffers.
InputRoute RouteInput(const ChunkSummary& chunks, int gpu_device, bool cuda_graphs);

enum class OutputRoute {
  kBindHost,    // ORT writes into the host response buffer
  kBindDevice,  // ORT writes into the device response buffer (same GPU)
  kReject,      // a device buffer this instance cannot write
};

// How ORT's output reaches a response buffer at `where` when the output's
// shape is known before the run.
OutputRoute RouteBoundOutput(MemoryLocation where, int gpu_device);

// Why a response buffer at `where` cannot be written by an instance on
// `gpu_device` (for kReject, and for copies after the run).
std::string OutputLocationError(const std::string& model, const TensorSpec& output, MemoryLocation where,
                                int gpu_device, bool gpu_build);

}  // namespace ortbackend
