#pragma once
// The values of batch_input tensors and the slice shapes of batch_output
// tensors, computed from the shapes of the requests in one group. Pure
// functions, so the shapes and values Triton's ragged-batching documentation
// defines are unit-tested without a server.
//
// "Element count" is a request's whole source tensor (batch dim included);
// "batch items" are its first dim; an item's shape is the rest.

#include <vector>

#include "common/shape.h"
#include "common/status.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

// Computes batch input `b` for a group whose requests' source-input shapes
// are `sources` (in batch order). `shape` gets the tensor's shape; `data` is
// resized to its bytes (never below 1, so its address is valid for ORT) and
// filled. The buffers are the caller's to reuse.
Status ComputeBatchInput(const BatchInputSpec& b, const std::vector<DimsView>& sources, Shape* shape,
                         std::vector<char>* data);

// The response shape of one request's slice of batch output `t`: its
// scatter_shape with each -1 replaced by the same dim of `source` (the
// request's shape of the source input).
Status ScatterShape(const TensorSpec& t, const std::string& source_name, DimsView source, Shape* out);

// The shape to give ONNX Runtime for a lone request's batch output when it is
// written straight into the response (whose shape is `response`): the
// model's declared output shape `model` (-1 for a dynamic dim) read as either
// the response's own shape (same rank) or one flat dim of its element count
// (rank 1, as a ragged model's output usually is). False when neither fits a
// fixed dim of `model`; the output is then computed by ORT and copied.
bool BoundScatterShape(const Shape& model, const Shape& response, Shape* out);

}  // namespace ortbackend
