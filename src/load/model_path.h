#pragma once
// Which file holds a model: path rules only (no ONNX Runtime), shared by the
// backend's load and ort-model-config.

#include <cstdint>
#include <string>

#include "common/status.h"

namespace ortbackend {

struct ModelFile {
  std::string path;  // the file ONNX Runtime opens
  // The path named a directory, and `path` is the model.onnx in it: the
  // directory also holds the model's external data files.
  bool directory = false;
};

// Finds the model file `path` names: the path itself when it is a regular
// file, or <path>/model.onnx when it is a directory (a model with external
// data files beside it). NotFound "model file not found: <file>" otherwise.
Status ResolveModelPath(const std::string& path, ModelFile* resolved);

// Finds the model file of one version: ResolveModelPath of
// <repository>/<version>/<filename, or model.onnx when empty>.
Status ResolveModelFile(const std::string& repository, uint64_t version, const std::string& filename,
                        ModelFile* resolved);

// The bytes of the model file, or for a directory model of every file in its
// directory (the external data included): what a session holds as weights,
// at least (ORT has no API for its own total). 0 when it cannot be read.
uint64_t ModelFilesBytes(const ModelFile& file);

}  // namespace ortbackend
