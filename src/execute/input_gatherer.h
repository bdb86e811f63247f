#pragma once
// Requests of one group -> ORT input values.
//
// The common case — one request whose input arrived as one contiguous CPU
// buffer — is wrapped in place: ORT reads Triton's buffer, nothing is copied.
// Otherwise (several requests stacked into one batch, or a tensor split over
// several buffers) the data is copied once into a per-input scratch buffer
// that is kept across calls. BYTES are decoded straight into ORT's string
// storage.

#include <cstdint>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "execute/request_batch.h"
#include "execute/tensor_spec.h"

namespace ortbackend {

class InputGatherer {
 public:
  explicit InputGatherer(const ExecutionSpec& spec);

  // Builds the inputs of group g. On success names()/values() hold count() entries.
  Status Gather(RequestBatch& batch, size_t g);
  // Releases the values (after the run); buffers keep their capacity.
  void Clear();

  const char* const* names() const { return names_.data(); }
  const Ort::Value* values() const { return values_.data(); }
  size_t count() const { return values_.size(); }

  // Bytes of tensor data copied since construction (a test hook: the
  // single-request CPU path must not add to it).
  uint64_t bytes_copied() const { return bytes_copied_; }

 private:
  Status GatherTensor(RequestBatch& batch, size_t g, size_t i, int64_t total_batch);
  Status GatherBytes(RequestBatch& batch, size_t g, size_t i, int64_t total_batch);

  const ExecutionSpec& spec_;
  Ort::MemoryInfo cpu_info_{nullptr};
  Ort::AllocatorWithDefaultOptions allocator_;
  std::vector<std::vector<char>> scratch_;  // one per configured input
  std::vector<Shape> shapes_;               // one per configured input
  std::vector<const char*> names_;
  std::vector<Ort::Value> values_;
  uint64_t bytes_copied_ = 0;
};

}  // namespace ortbackend
