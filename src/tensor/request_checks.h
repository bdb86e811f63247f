#pragma once
// Checks of one request input against its TensorSpec. Pure functions, so the
// messages users see are unit-tested without a server.

#include <cstdint>
#include <string>

#include "common/shape.h"
#include "common/status.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

struct InputCheck {
  int64_t batch_size = 1;  // the request's first dim for batching models, else 1
  int64_t elements = 0;    // total elements in this request's tensor
};

// Validates dtype, rank, dims, batch size and (for fixed-size types) the byte
// size of one request input. Messages name the model and the tensor and say
// what was expected and what was received.
Status CheckRequestInput(const ExecutionSpec& spec, const TensorSpec& t, TRITONSERVER_DataType dtype, DimsView shape,
                         uint64_t byte_size, InputCheck* out);

}  // namespace ortbackend
