#pragma once
// Model metadata -> completed, validated model configuration. The same code
// serves the backend (TRITONBACKEND_ModelInitialize) and the ort-model-config
// tool, so both always agree.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "config/model_config.h"
#include "tensor/model_io_info.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

// True when every input and output has rank >= 1 and a dynamic first dim, so
// Triton may stack requests along it.
bool ModelSupportsBatching(const ModelIoInfo& io);

// Fills what the config leaves out: max_batch_size (default_max_batch_size
// when the model can batch and the config does not say otherwise), inputs and
// outputs (names, data types, dims), and dynamic_batching when
// max_batch_size > 1 and no scheduler is set. Entries the config already has
// are kept; missing data_type/dims of a named entry are filled in.
// `notes` receives one line per change, for the log.
Status AutoCompleteConfig(const ModelIoInfo& io, int default_max_batch_size, nlohmann::json* config,
                          std::vector<std::string>* notes);

// Checks a (parsed) config against the model: every config tensor exists in
// the model with the same type and compatible dims, every required model input
// is configured, and batching is possible when max_batch_size > 0.
Status ValidateConfigAgainstModel(const ModelConfig& config, const ModelIoInfo& io);

}  // namespace ortbackend
