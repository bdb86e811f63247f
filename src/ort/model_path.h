#pragma once
// Which file holds a model: path rules only (no ONNX Runtime), shared by the
// backend's load and ort-model-config.

#include <cstdint>
#include <string>

#include "common/status.h"

namespace ortbackend {

// Finds the model file `path` names: the path itself when it is a regular
// file, or <path>/model.onnx when it is a directory (a model with external
// data files beside it). NotFound "model file not found: <file>" otherwise.
Status ResolveModelPath(const std::string& path, std::string* resolved);

// Finds the model file of one version: ResolveModelPath of
// <repository>/<version>/<filename, or model.onnx when empty>.
Status ResolveModelFile(const std::string& repository, uint64_t version, const std::string& filename,
                        std::string* path);

}  // namespace ortbackend
