#pragma once
// The one bridge between our Status and Triton's error objects.

#include "common/status.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

// A new TRITONSERVER_Error (owned by the caller) for a failed status; null for OK.
TRITONSERVER_Error* ToTritonError(const Status& status);

// Takes ownership of a non-null `err` and returns it as a Status, with
// `context` saying what was being done.
Status FromFailedTritonError(TRITONSERVER_Error* err, const char* context);
// The same for `err` that may be null. Inline: the hot path makes a dozen
// server calls per request, and all but a failed one need only the check.
inline Status FromTritonError(TRITONSERVER_Error* err, const char* context) {
  return err == nullptr ? Status::Ok() : FromFailedTritonError(err, context);
}

// For a failed call whose error has no request to go to (statistics, a send
// or release, deleting a server object): logs it as "model '<model>': <what>:
// <server text>" ("<what>: ..." when `model` is empty) and deletes it. Does
// nothing, and builds no string, for null. No error is dropped unlogged.
void LogIfError(TRITONSERVER_Error* err, const std::string& model, const char* what);
// The same for a failed Status (its message already says what failed).
void LogIfError(const Status& status);

}  // namespace ortbackend
