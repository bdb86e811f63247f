#pragma once
// The Triton-free part of loading a model: find its file, read what it
// declares, auto-complete the configuration and check it against the model.
// Plain inputs, a plain result: ModelState::Load calls it with what the
// server hands over, ort-model-config with what its command line names, so
// both make the same configuration and fail with the same messages.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "config/execution_providers.h"
#include "config/model_config.h"
#include "config/model_settings.h"
#include "load/load_phases.h"
#include "load/model_path.h"
#include "tensor/model_io_info.h"

namespace ortbackend {

struct ModelLoadInput {
  // The server's case: a repository model directory and the version being
  // loaded; the file is <repository>/<version>/<default_model_filename, or
  // model.onnx>.
  std::string repository;
  uint64_t version = 0;
  // Instead, a model file or a directory holding model.onnx (ort-model-config
  // given a file outside a repository).
  std::string path;
  // The configuration as the server hands it to the backend (JSON).
  nlohmann::json config = nlohmann::json::object();
  // Whether the server lets the backend complete the configuration (it does
  // unless started with --disable-auto-complete-config).
  bool auto_complete = true;
  int default_max_batch_size = 4;
  // The name a config without one gets (the model's name in the repository).
  std::string model_name;
  // Where the load's phase times go (optional; the reader adds its own).
  LoadPhases* phases = nullptr;
};

struct ModelLoad {
  ModelFile file;
  uint64_t weights_bytes = 0;  // ModelFilesBytes(file)
  ModelSettings settings;      // the config's parameters
  ExecutionProviderSettings providers;
  // The configuration: the input's, completed when auto-complete is on.
  nlohmann::json config_json;
  // One line per change auto-complete made (empty: nothing to tell the server).
  std::vector<std::string> completed;
  ModelIoInfo io;      // what the model declares
  ModelConfig config;  // config_json parsed, and checked against io
};

// Reads what the model declares. `so_far` has the file, settings, providers
// and the (not yet completed) config_json filled in; the backend may make
// its serving session here, the tool a throwaway one.
using ModelIoReader = std::function<Status(const ModelLoad& so_far, ModelIoInfo* io)>;

// The load, in the backend's order: parameters and execution providers are
// parsed first (a bad parameter fails before the file is touched, and
// custom-op libraries are known before the model is read), then the file is
// found and read, the config completed, parsed and validated. `out` is
// filled step by step, so after a failure it holds what was read before it
// (the settings, for their unknown-key warnings).
Status LoadModel(const ModelLoadInput& input, const ModelIoReader& read_io, ModelLoad* out);

}  // namespace ortbackend
