#include "triton/error.h"

#include <string>

#include "triton/log.h"

namespace ortbackend {

TRITONSERVER_Error* ToTritonError(const Status& status) {
  if (status.ok()) return nullptr;
  TRITONSERVER_Error_Code code = TRITONSERVER_ERROR_INTERNAL;
  switch (status.code()) {
    case StatusCode::kOk: return nullptr;
    case StatusCode::kInvalidArgument: code = TRITONSERVER_ERROR_INVALID_ARG; break;
    case StatusCode::kNotFound: code = TRITONSERVER_ERROR_NOT_FOUND; break;
    case StatusCode::kUnsupported: code = TRITONSERVER_ERROR_UNSUPPORTED; break;
    case StatusCode::kUnavailable: code = TRITONSERVER_ERROR_UNAVAILABLE; break;
    case StatusCode::kInternal: code = TRITONSERVER_ERROR_INTERNAL; break;
    case StatusCode::kCancelled: code = TRITONSERVER_ERROR_CANCELLED; break;
  }
  return TRITONSERVER_ErrorNew(code, status.message().c_str());
}

Status FromFailedTritonError(TRITONSERVER_Error* err, const char* context) {
  StatusCode code = StatusCode::kInternal;
  switch (TRITONSERVER_ErrorCode(err)) {
    case TRITONSERVER_ERROR_INVALID_ARG: code = StatusCode::kInvalidArgument; break;
    case TRITONSERVER_ERROR_NOT_FOUND: code = StatusCode::kNotFound; break;
    case TRITONSERVER_ERROR_UNSUPPORTED: code = StatusCode::kUnsupported; break;
    case TRITONSERVER_ERROR_UNAVAILABLE: code = StatusCode::kUnavailable; break;
    case TRITONSERVER_ERROR_CANCELLED: code = StatusCode::kCancelled; break;
    default: break;
  }
  std::string msg = std::string(context) + ": " + TRITONSERVER_ErrorMessage(err);
  TRITONSERVER_ErrorDelete(err);
  return Status(code, std::move(msg));
}

void LogIfError(TRITONSERVER_Error* err, const std::string& model, const char* what) {
  if (err == nullptr) return;
  const std::string head = model.empty() ? std::string() : "model '" + model + "': ";
  ORTB_LOG_ERROR(head + what + ": " + TRITONSERVER_ErrorMessage(err));
  TRITONSERVER_ErrorDelete(err);
}

void LogIfError(const Status& status) {
  if (!status.ok()) ORTB_LOG_ERROR(status.message());
}

}  // namespace ortbackend
