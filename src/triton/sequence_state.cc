#include "triton/sequence_state.h"

#include <string>

#include "triton/error.h"

namespace ortbackend {

Status StateWrite::Begin(TRITONBACKEND_Request* request, const char* name, TRITONSERVER_DataType dtype,
                         const Shape& shape, uint64_t byte_size) {
  state_ = nullptr;
  buffer_ = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(
      TRITONBACKEND_StateNew(&state_, request, name, dtype, shape.data(), static_cast<uint32_t>(shape.size())),
      "creating the sequence state"));
  TRITONSERVER_MemoryType mem = TRITONSERVER_MEMORY_CPU;
  int64_t mem_id = 0;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_StateBuffer(state_, &buffer_, byte_size, &mem, &mem_id),
                                       "allocating the sequence state"));
  if (mem == TRITONSERVER_MEMORY_GPU && byte_size > 0)
    return Status::Unsupported("the state buffer Triton gave is in GPU memory, which this path cannot write");
  return Status::Ok();
}

Status StateWrite::Commit() {
  return FromTritonError(TRITONBACKEND_StateUpdate(state_), "updating the sequence state");
}

}  // namespace ortbackend
