#pragma once
// What ONNX Runtime reports about one model file, read the way the backend
// reads it at load. Shared by the backend (ModelState) and the
// ort-model-config tool, so both find the same file, see the same inputs and
// outputs, and fail with the same messages.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "load/model_source.h"
#include "tensor/model_io_info.h"

namespace ortbackend {

// The model-level metadata ORT exposes (Ort::ModelMetadata). ONNX fields ORT
// does not expose (ir_version, producer_version, opset imports) are not here.
struct ModelMetadataInfo {
  std::string producer_name;
  std::string graph_name;
  std::string domain;
  std::string description;
  std::string graph_description;
  std::optional<int64_t> version;             // the model_version; none when the model sets none
  std::map<std::string, std::string> custom;  // the model's metadata_props
};

// Loads `model` (a resolved file, or decrypted bytes) into a throwaway session -- the
// default graph optimization level, so it loads every model ORT loads, and
// one thread -- and reads its declared inputs and outputs into `io`
// and, unless `metadata` is null, its metadata. The session is released
// before returning. `env` must outlive the call only.
// `custom_op_libraries` are registered first, for models that use their ops.
Status InspectModelFile(Ort::Env& env, const ModelSource& model, ModelIoInfo* io, ModelMetadataInfo* metadata = nullptr,
                        const std::vector<std::string>& custom_op_libraries = {});

}  // namespace ortbackend
