#pragma once
// The requests of one Execute call: their validated inputs, their responses,
// and how they are grouped into ORT runs. Owned by the instance and reused
// across calls, so its vectors keep their capacity (no per-call allocation
// once warmed up).
//
// Contract: Begin() takes the requests; the instance's Responder then takes
// them (TakeRequests), sends every response (with its error, if any), reports
// statistics and releases every request — on all paths, so after Execute
// nothing is left owned.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "tensor/bytes_codec.h"
#include "tensor/memory_placement.h"
#include "tensor/tensor_spec.h"
#include "triton_api/tritonbackend_api.h"

namespace ortbackend {

struct CudaGraphSlot;

struct RequestInputView {
  bool present = false;
  const int64_t* shape = nullptr;  // owned by Triton, valid until release
  uint32_t rank = 0;
  uint64_t byte_size = 0;
  int64_t elements = 0;
  uint32_t first_chunk = 0;
  uint32_t chunk_count = 0;
};

struct PendingRequest {
  TRITONBACKEND_Request* request = nullptr;
  TRITONBACKEND_Response* response = nullptr;
  Status error;
  int64_t batch_size = 1;
  // Part of a sequence with implicit state (a correlation id is set). Model
  // warmup sends sequence models requests outside any sequence; those have
  // no state to update.
  bool in_sequence = false;
  uint64_t compute_start_ns = 0;
  uint64_t compute_end_ns = 0;
};

// What one ORT run of a group needs, worked out once (RequestBatch::Plan)
// and read by the gatherer, the scatterer and the instance.
struct RunPlan {
  size_t group = 0;
  const uint32_t* begin = nullptr;  // the group's requests, in the order they are stacked
  const uint32_t* end = nullptr;
  int64_t total_batch = 0;  // the sum of their batch sizes: the ORT batch dim
  int64_t graph_id = -1;    // the CUDA graph the run uses (CudaGraphId), or -1
  // That graph's buffers and run options; set by the instance when graph_id >= 0.
  CudaGraphSlot* graph = nullptr;
  size_t requests() const { return static_cast<size_t>(end - begin); }
  uint32_t leader() const { return *begin; }
};

class RequestBatch {
 public:
  explicit RequestBatch(const ExecutionSpec& spec) : spec_(spec) {}

  // The instance's GPU (-1: a CPU instance). Inputs in GPU memory are
  // accepted only by a GPU instance of a GPU build (see CheckInputLocation).
  void set_gpu_device(int device) { gpu_device_ = device; }
  // The instance's host-policy name (TRITONBACKEND_ModelInstanceHostPolicy):
  // every input, its properties and its buffers, is read for that policy.
  // nullptr reads the default buffers. The string must outlive the batch.
  void set_host_policy(const char* name) { host_policy_ = name; }

  // Creates a response per request and validates every request; invalid ones
  // carry their error and are left out of every group.
  void Begin(TRITONBACKEND_Request** requests, uint32_t count);

  size_t size() const { return requests_.size(); }
  PendingRequest& request(size_t r) { return requests_[r]; }
  const RequestInputView& input(size_t r, size_t i) const { return inputs_[r * spec_.inputs.size() + i]; }
  const Chunk* chunks(const RequestInputView& v) const { return chunks_.data() + v.first_chunk; }
  // Parallel to chunks(v): where each buffer lives.
  const MemoryLocation* locations(const RequestInputView& v) const { return locations_.data() + v.first_chunk; }
  bool wants_output(size_t r, size_t o) const { return wants_[r * spec_.outputs.size() + o] != 0; }

  // Groups of valid requests that can run together in one ORT call
  // (same non-batch dims and same optional inputs); one request per group for
  // models that do not batch.
  size_t group_count() const { return group_starts_.size(); }
  const uint32_t* group_begin(size_t g) const { return order_.data() + group_starts_[g]; }
  const uint32_t* group_end(size_t g) const {
    return order_.data() + (g + 1 < group_starts_.size() ? group_starts_[g + 1] : order_.size());
  }

  // Group g's run: its requests, total batch and (with `cuda_graphs`) graph id.
  RunPlan Plan(size_t g, bool cuda_graphs) const;

  // Marks every request of group g as failed with `status`.
  void FailGroup(size_t g, const Status& status);

  // Hands the requests over to the Responder (swapped with `*out`, whose
  // capacity is then reused).
  void TakeRequests(std::vector<PendingRequest>* out);

 private:
  Status Validate(size_t r);
  // The spec input named `name`, the request's input at `position`.
  int FindInput(const char* name, uint32_t position);
  static bool HasCorrelationId(TRITONBACKEND_Request* request);
  bool Compatible(size_t a, size_t b) const;
  void FormGroups();

  const ExecutionSpec& spec_;
  std::vector<PendingRequest> requests_;
  std::vector<RequestInputView> inputs_;  // size() * spec.inputs.size()
  std::vector<char> wants_;               // size() * spec.outputs.size()
  std::vector<Chunk> chunks_;
  std::vector<MemoryLocation> locations_;  // parallel to chunks_
  int gpu_device_ = -1;
  const char* host_policy_ = nullptr;
  std::vector<uint32_t> order_;
  std::vector<uint32_t> group_starts_;
  // The spec input found at each position of the last request's inputs. The
  // server lists a request's inputs in an order set by their names, the same
  // for every request of a model, so the next request's k-th input is
  // checked against it with one comparison before the spec is searched.
  std::vector<int> input_at_position_;
};

}  // namespace ortbackend
