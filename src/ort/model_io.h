#pragma once
// Reads a session's declared inputs and outputs into ModelIoInfo.

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "tensor/model_io_info.h"

namespace ortbackend {

Status ReadModelIo(const Ort::Session& session, ModelIoInfo* out);

}  // namespace ortbackend
