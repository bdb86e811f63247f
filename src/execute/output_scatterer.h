#pragma once
// ORT outputs of one group -> each request's response, sliced along the batch
// dim. Only the outputs a request asked for are written. ORT allocated the
// outputs, so each requested slice is copied once into Triton's response
// buffer.

#include <cstdint>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "execute/request_batch.h"
#include "execute/tensor_spec.h"

namespace ortbackend {

class OutputScatterer {
 public:
  explicit OutputScatterer(const ExecutionSpec& spec) : spec_(spec) {}

  // `outputs` holds one value per spec output. A problem with one output of
  // one request fails that request only; a problem with the whole output
  // (wrong type, wrong batch) is returned and fails the group.
  Status Scatter(RequestBatch& batch, size_t g, Ort::Value* outputs);

 private:
  Status ScatterOne(RequestBatch& batch, size_t g, size_t o, Ort::Value& value);

  const ExecutionSpec& spec_;
  Shape shape_;           // the whole output's shape
  Shape response_shape_;  // one request's slice
  std::vector<char> strings_;     // BYTES output content
  std::vector<size_t> offsets_;   // BYTES element offsets
};

}  // namespace ortbackend
