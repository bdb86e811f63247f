#pragma once
// Writing a sequence's implicit state back to Triton: a state object is
// created on the request, filled through its buffer, then handed over with
// StateUpdate (Triton owns it from creation; the backend never frees it).

#include <cstdint>

#include "common/shape.h"
#include "common/status.h"
#include "triton_api/tritonbackend_api.h"

namespace ortbackend {

class StateWrite {
 public:
  // Creates state `name` on `request` and a CPU buffer of `byte_size` bytes
  // for its content.
  Status Begin(TRITONBACKEND_Request* request, const char* name, TRITONSERVER_DataType dtype, const Shape& shape,
               uint64_t byte_size);
  void* buffer() const { return buffer_; }
  // Publishes the written content as the state the next request of the
  // sequence will read.
  Status Commit();

 private:
  TRITONBACKEND_State* state_ = nullptr;
  void* buffer_ = nullptr;
};

}  // namespace ortbackend
