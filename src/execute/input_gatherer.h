#pragma once
// Requests of one group -> ORT input values.
//
// The common case — one request whose input arrived as one contiguous
// buffer — is wrapped in place: ORT reads Triton's buffer, nothing is copied.
// That holds for GPU memory too (CUDA shared memory on the instance's GPU):
// the tensor is given to ORT as CUDA memory, so no host round trip happens.
// Otherwise (several requests stacked into one batch, a tensor split over
// several buffers, a buffer on another GPU, or CUDA graphs, which need fixed
// addresses) the data is copied once into a per-input scratch buffer kept
// across calls: host memory (pinned, for GPU instances) when every part is on
// the host, else device memory on the instance's GPU, copied on its stream.
// See RouteInput in memory_placement.h. BYTES are decoded straight into
// ORT's string storage.

#include <cstdint>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "execute/request_batch.h"
#include "gpu/instance_gpu.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

class InputGatherer {
 public:
  explicit InputGatherer(const ExecutionSpec& spec);

  // Makes this the gatherer of a GPU instance (`gpu` outlives it).
  void UseGpu(InstanceGpu* gpu);

  // Builds the inputs of one run. On success names()/values() hold count() entries.
  Status Gather(RequestBatch& batch, const RunPlan& plan);
  // Releases the values (after the run); buffers keep their capacity.
  void Clear();

  const char* const* names() const { return names_.data(); }
  const Ort::Value* values() const { return values_.data(); }
  size_t count() const { return values_.size(); }

  // Bytes of tensor data copied since construction, host or device (a test
  // hook: the single-request path, CPU or CUDA memory, must not add to it).
  uint64_t bytes_copied() const { return bytes_copied_; }
  // Inputs handed to ORT in place in GPU memory since construction (a test
  // hook: CUDA shared memory inputs must count here, not in bytes_copied).
  uint64_t device_inputs_in_place() const { return device_in_place_; }

 private:
  Status GatherTensor(RequestBatch& batch, const RunPlan& plan, size_t i);
  Status GatherBytes(RequestBatch& batch, const RunPlan& plan, size_t i);
  // The model-side shape of input i for the run: the lead request's with the
  // run's batch, or for a ragged input the run's element count.
  void GroupShape(RequestBatch& batch, const RunPlan& plan, size_t i, Shape* shape) const;
  // Computes batch input k (ExecutionSpec::batch_inputs) for the run.
  Status GatherBatchInput(RequestBatch& batch, const RunPlan& plan, size_t k);

  const ExecutionSpec& spec_;
  Ort::MemoryInfo cpu_info_{nullptr};
  Ort::AllocatorWithDefaultOptions allocator_;
  std::vector<std::vector<char>> scratch_;  // one per configured input
  InstanceGpu* gpu_ = nullptr;
  Ort::MemoryInfo cuda_info_{nullptr};
  Ort::MemoryInfo pinned_info_{nullptr};
  std::vector<gpu::CudaBuffer> pinned_;              // GPU instances: host staging, one per input
  std::vector<gpu::CudaBuffer> device_;              // GPU instances: device staging, one per input
  std::vector<Shape> shapes_;                        // one per configured input, then one per batch input
  std::vector<std::vector<char>> batch_input_data_;  // one per batch input
  std::vector<DimsView> sources_;                    // GatherBatchInput: the group's source shapes
  std::vector<const char*> names_;
  std::vector<Ort::Value> values_;
  uint64_t bytes_copied_ = 0;
  uint64_t device_in_place_ = 0;
};

}  // namespace ortbackend
