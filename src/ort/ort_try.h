#pragma once
// ONNX Runtime's C++ API reports failures by throwing Ort::Exception; this
// turns them into Status values at the edge of each ORT call site so nothing
// is thrown across a Triton entry point.

#include <exception>
#include <string>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"

namespace ortbackend {

template <typename F>
Status OrtTry(const std::string& what, F&& f) {
  try {
    f();
    return Status::Ok();
  } catch (const Ort::Exception& e) {
    const StatusCode code = e.GetOrtErrorCode() == ORT_INVALID_ARGUMENT || e.GetOrtErrorCode() == ORT_INVALID_GRAPH ||
                                    e.GetOrtErrorCode() == ORT_INVALID_PROTOBUF || e.GetOrtErrorCode() == ORT_NO_SUCHFILE
                                ? StatusCode::kInvalidArgument
                                : StatusCode::kInternal;
    return Status(code, what + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(what + ": " + e.what());
  }
}

}  // namespace ortbackend
