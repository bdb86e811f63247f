#pragma once
// ORT outputs of one group -> each request's response.
//
// Before the run, Prepare() picks the outputs to compute (only those some
// request of the group asked for) and, for a group of one request, binds each
// output whose shape is known in advance (see TensorSpec::shape_recipe)
// straight into the response's buffer: ORT writes the result where Triton
// sends it from, with no copy. After the run, Scatter() handles the rest:
// ORT allocated them, so each request's slice is copied once into its
// response buffer (a group of several requests shares one ORT tensor, which
// must be split). Outputs that feed a sequence's implicit state are always
// computed and, after the run, each request's slice is copied once into the
// state buffer Triton hands out (its memory is Triton's, allocated per
// request, so ORT cannot write there in advance).

#include <cstdint>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "execute/request_batch.h"
#include "execute/tensor_spec.h"

namespace ortbackend {

class OutputScatterer {
 public:
  explicit OutputScatterer(const ExecutionSpec& spec);

  Status Prepare(RequestBatch& batch, size_t g);
  // A problem with one output of one request fails that request only; a
  // problem with the whole output (wrong type, wrong batch) is returned.
  Status Scatter(RequestBatch& batch, size_t g);
  // Releases this run's values; buffers keep their capacity.
  void Clear();

  const char* const* names() const { return names_.data(); }
  Ort::Value* values() { return values_.data(); }
  size_t count() const { return names_.size(); }

  // Bytes of tensor data copied into responses since construction (a test hook).
  uint64_t bytes_copied() const { return bytes_copied_; }

 private:
  // One run's output as read back from ORT: raw data (fixed-size types) or
  // strings_/offsets_ (BYTES), and the elements per batch item.
  struct OutputView {
    const char* data = nullptr;
    int64_t whole_elements = 0;
    int64_t item_elements = 0;
  };
  bool TryBind(RequestBatch& batch, uint32_t r, size_t o, Ort::Value* value);
  Status ReadOutput(RequestBatch& batch, size_t g, size_t o, Ort::Value& value, OutputView* view);
  // Per request of the group: its element range of the whole output.
  int64_t SliceElements(const PendingRequest& p, const OutputView& view) const;
  uint64_t SliceBytes(const TensorSpec& t, int64_t begin, int64_t n) const;
  void WriteSlice(const TensorSpec& t, const OutputView& view, int64_t begin, int64_t n, void* dst);
  void ToResponses(RequestBatch& batch, size_t g, size_t o, const OutputView& view);
  void ToStates(RequestBatch& batch, size_t g, size_t o, const OutputView& view);

  const ExecutionSpec& spec_;
  Ort::MemoryInfo cpu_info_{nullptr};
  std::vector<const char*> names_;   // this run's outputs
  std::vector<Ort::Value> values_;   // parallel to names_
  std::vector<uint32_t> index_;      // parallel to names_: index into spec.outputs
  std::vector<char> bound_;          // parallel to names_: written by ORT into the response
  Shape shape_;
  Shape response_shape_;
  std::vector<char> strings_;        // BYTES output content
  std::vector<size_t> offsets_;      // BYTES element offsets
  uint64_t bytes_copied_ = 0;
};

}  // namespace ortbackend
