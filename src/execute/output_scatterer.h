#pragma once
// ORT outputs of one group -> each request's response.
//
// Before the run, Prepare() picks the outputs to compute (only those some
// request of the group asked for) and, for a group of one request, binds each
// output whose shape is known in advance (see TensorSpec::shape_recipe; a
// batch output's is its source input's shape) straight into the response's
// buffer: ORT writes the result where Triton sends it from, with no copy.
// After the run, Scatter() handles the rest: ORT allocated them, so each
// request's slice is copied once into its response buffer (a group of
// several requests shares one ORT tensor, which must be split). Outputs
// that feed a sequence's implicit state are always computed and, after the
// run, each request's slice is copied once into the state buffer Triton
// hands out (its memory is Triton's, allocated per request, so ORT cannot
// write there in advance).
//
// GPU instances: a response buffer in GPU memory (the client registered CUDA
// shared memory for the output) on the instance's GPU is bound as CUDA memory,
// so ORT's kernels write the response directly; outputs that cannot be bound
// are copied once, host or device, on the instance's stream. With CUDA graphs
// every output is computed into a persistent device buffer per graph (the
// graph writes the same addresses every replay) and copied out after the run.

#include <cstdint>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "execute/request_batch.h"
#include "gpu/instance_gpu.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

class OutputScatterer {
 public:
  explicit OutputScatterer(const ExecutionSpec& spec);

  // Makes this the scatterer of a GPU instance (`gpu` outlives it).
  void UseGpu(InstanceGpu* gpu);

  // With a CUDA graph (plan.graph_id >= 0) every output is computed into the
  // graph's buffers.
  Status Prepare(RequestBatch& batch, const RunPlan& plan);
  // A problem with one output of one request fails that request only; a
  // problem with the whole output (wrong type, wrong batch) is returned.
  Status Scatter(RequestBatch& batch, const RunPlan& plan);
  // Releases this run's values; buffers keep their capacity.
  void Clear();

  const char* const* names() const { return names_.data(); }
  Ort::Value* values() { return values_.data(); }
  size_t count() const { return names_.size(); }

  // Bytes of tensor data copied into responses since construction (a test hook).
  uint64_t bytes_copied() const { return bytes_copied_; }
  // Outputs ORT wrote in place into GPU response buffers (a test hook).
  uint64_t device_outputs_in_place() const { return device_in_place_; }

 private:
  // One run's output as read back from ORT: raw data (fixed-size types) or
  // strings_/offsets_ (BYTES), and the elements per batch item.
  struct OutputView {
    const char* data = nullptr;
    bool on_gpu = false;  // data is device memory (a CUDA graph's output buffer)
    int64_t whole_elements = 0;
    int64_t item_elements = 0;
  };
  bool TryBind(RequestBatch& batch, uint32_t r, size_t o, Ort::Value* value);
  // A lone request's batch output: its response shape (into response_shape_)
  // and the model's shape of the same bytes (into shape_), or false when the
  // output cannot be bound.
  bool BatchOutputShapes(RequestBatch& batch, uint32_t r, const TensorSpec& t);
  bool RecipeShape(RequestBatch& batch, uint32_t r, size_t o, int64_t batch_size, Shape* out) const;
  Status BindGraphOutput(RequestBatch& batch, const RunPlan& plan, size_t o, Ort::Value* value);
  // One copy of `bytes`: memcpy host to host, else on the instance's stream.
  Status CopyOut(void* dst, MemoryLocation dst_where, const void* src, bool src_on_gpu, uint64_t bytes,
                 const std::string& what);
  Status ReadOutput(const RunPlan& plan, size_t o, Ort::Value& value, OutputView* view);
  // Request r's slice of output o: its response shape (into response_shape_)
  // and element count. A batch output's slice follows the request's source
  // input; any other output's, the request's batch size.
  Status ResponseShape(RequestBatch& batch, uint32_t r, size_t o, const OutputView& view, int64_t* elements);
  uint64_t SliceBytes(const TensorSpec& t, int64_t begin, int64_t n) const;
  Status WriteSlice(const TensorSpec& t, const OutputView& view, int64_t begin, int64_t n, void* dst,
                    MemoryLocation dst_where);
  // A problem with one request fails that request; a failed copy is returned.
  // Each request's slice of one output: into its response (when it asked for
  // the output and `to_responses`) and into its sequence state (`to_states`).
  Status Distribute(RequestBatch& batch, const RunPlan& plan, size_t o, const OutputView& view, bool to_responses,
                    bool to_states);

  const ExecutionSpec& spec_;
  Ort::MemoryInfo cpu_info_{nullptr};
  InstanceGpu* gpu_ = nullptr;
  Ort::MemoryInfo cuda_info_{nullptr};
  bool device_copies_ = false;      // copies issued on the stream this Scatter
  std::vector<const char*> names_;  // this run's outputs
  std::vector<Ort::Value> values_;  // parallel to names_
  std::vector<uint32_t> index_;     // parallel to names_: index into spec.outputs
  std::vector<char> bound_;         // parallel to names_: written by ORT into the response
  Shape shape_;
  Shape response_shape_;
  std::vector<char> strings_;    // BYTES output content
  std::vector<size_t> offsets_;  // BYTES element offsets
  uint64_t bytes_copied_ = 0;
  uint64_t device_in_place_ = 0;
};

}  // namespace ortbackend
