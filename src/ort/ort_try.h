#pragma once
// ONNX Runtime's C++ API reports failures by throwing Ort::Exception; this
// turns them into Status values at the edge of each ORT call site so nothing
// is thrown across a Triton entry point.
//
// `context` names what was being done. On the hot path pass a lambda that
// returns the text, so no string is built unless something failed.

#include <exception>
#include <string>
#include <type_traits>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"

namespace ortbackend {

template <typename Context>
std::string DescribeContext(Context&& context) {
  if constexpr (std::is_invocable_v<Context>)
    return context();
  else
    return std::string(context);
}

template <typename Context, typename F>
Status OrtTry(Context&& context, F&& f) {
  try {
    f();
    return Status::Ok();
  } catch (const Ort::Exception& e) {
    const OrtErrorCode c = e.GetOrtErrorCode();
    const StatusCode code = c == ORT_INVALID_ARGUMENT || c == ORT_INVALID_GRAPH || c == ORT_INVALID_PROTOBUF ||
                                    c == ORT_NO_SUCHFILE || c == ORT_NO_MODEL
                                ? StatusCode::kInvalidArgument
                                : StatusCode::kInternal;
    return Status(code, DescribeContext(context) + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(DescribeContext(context) + ": " + e.what());
  }
}

}  // namespace ortbackend
