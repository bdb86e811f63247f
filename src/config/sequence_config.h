#pragma once
// The tensors that `sequence_batching` adds to a model's interface: control
// inputs (START/END/READY/CORRID), which Triton writes into every request of
// a sequence, and implicit state, whose input Triton feeds from the previous
// request's output. Neither is listed under `input`/`output`, yet both are
// real model inputs and outputs that must be validated and run.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "config/model_config.h"

namespace ortbackend {

// Parses `sequence_batching` (null or absent: nothing). Each control input
// becomes a TensorConfig of dims [1] whose dtype follows from the control:
// int32/fp32/bool_false_true for START/END/READY, `data_type` for CORRID.
Status ParseSequenceBatching(const nlohmann::json& sequence_batching, std::vector<TensorConfig>* controls,
                             std::vector<SequenceStateConfig>* states);

// Names the sequence batcher supplies (control and state inputs) or consumes
// (state outputs), read leniently from a raw config for auto-complete, which
// must not list them as ordinary inputs/outputs.
std::vector<std::string> SequenceInputNames(const nlohmann::json& config);
std::vector<std::string> SequenceOutputNames(const nlohmann::json& config);

}  // namespace ortbackend
