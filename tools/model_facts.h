#pragma once
// The ONNX-level facts ort-model-config prints after the config: what ONNX
// Runtime reports (inputs and outputs with their dynamic and symbolic dims,
// the model metadata) and what the file itself declares (IR version, opset
// imports, producer version, initializer sizes). Built once as JSON (the
// "onnx" key of --json output) and rendered from it as # comment lines.

#include <string>

#include <nlohmann/json.hpp>

#include "onnx_file_summary.h"
#include "ort/model_inspector.h"
#include "tensor/model_io_info.h"

namespace ortbackend {

// `summary` is null when the file could not be read as ONNX protobuf;
// `summary_error` then says why and the file-level facts are left out.
// `max_batch_size` (the completed config's) shapes the config entry given for
// each optional input (overridable initializer).
nlohmann::json ModelFactsToJson(const std::string& path, const ModelIoInfo& io, const ModelMetadataInfo& metadata,
                                const OnnxFileSummary* summary, const std::string& summary_error,
                                int64_t max_batch_size = 0);

// The facts as "# ..." lines, for the end of a config.pbtxt.
std::string ModelFactsToComments(const nlohmann::json& facts);

}  // namespace ortbackend
