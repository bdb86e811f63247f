#pragma once
// Reads a session's declared inputs and outputs into ModelIoInfo.

#include <onnxruntime_cxx_api.h>

#include "autocomplete/model_io.h"
#include "common/status.h"

namespace ortbackend {

Status ReadModelIo(const Ort::Session& session, ModelIoInfo* out);

}  // namespace ortbackend
