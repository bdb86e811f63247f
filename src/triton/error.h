#pragma once
// The one bridge between our Status and Triton's error objects.

#include "common/status.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

// A new TRITONSERVER_Error (owned by the caller) for a failed status; null for OK.
TRITONSERVER_Error* ToTritonError(const Status& status);

// Takes ownership of `err` (may be null) and returns it as a Status, with
// `context` saying what was being done.
Status FromTritonError(TRITONSERVER_Error* err, const char* context);

}  // namespace ortbackend
