#pragma once
// The parts of Triton's model configuration that the backend reads, as plain
// typed data. Parsing validates types and spelling; checking the config
// against the ONNX model is autocomplete/'s job.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/shape.h"
#include "common/status.h"
#include "config/batch_io_config.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

struct TensorConfig {
  std::string name;
  TRITONSERVER_DataType dtype = TRITONSERVER_TYPE_INVALID;
  Shape dims;  // without the batch dim
  bool has_reshape = false;
  Shape reshape;  // the model-side shape, without the batch dim
  bool optional = false;
  // Inputs of a batching model only: requests of different shapes are batched
  // by concatenating their elements into one 1-D tensor.
  bool allow_ragged_batch = false;

  // The shape the model sees for one batch item.
  const Shape& model_dims() const { return has_reshape ? reshape : dims; }
};

// One `sequence_batching { state [...] }` entry: Triton feeds `input` from
// the sequence's stored state and stores what the model writes to `output`.
struct SequenceStateConfig {
  TensorConfig input;   // name = input_name
  TensorConfig output;  // name = output_name; same dtype and dims
};

struct ModelConfig {
  std::string name;
  std::string platform;
  std::string backend;
  int64_t max_batch_size = 0;
  std::string default_model_filename;
  std::vector<TensorConfig> inputs;
  std::vector<TensorConfig> outputs;
  bool has_dynamic_batching = false;
  bool has_sequence_batching = false;
  // Model inputs/outputs that sequence_batching adds (see sequence_config.h).
  std::vector<TensorConfig> control_inputs;
  std::vector<SequenceStateConfig> states;
  std::vector<BatchInputConfig> batch_inputs;
  std::vector<BatchOutputConfig> batch_outputs;
  // parameters { key: K value: { string_value: V } }
  std::map<std::string, std::string> parameters;

  bool batching() const { return max_batch_size > 0; }
};

Status ParseTensorConfig(const nlohmann::json& j, const std::string& kind, TensorConfig* out);
Status ParseModelConfig(const nlohmann::json& j, ModelConfig* out);

}  // namespace ortbackend

namespace ortbackend {
// Total `count` of the config's instance groups of `kind` ("KIND_CPU",
// "KIND_GPU"; a group without a kind counts as CPU), at least 1.
int CountInstances(const nlohmann::json& config, const std::string& kind);
inline int CountCpuInstances(const nlohmann::json& config) { return CountInstances(config, "KIND_CPU"); }
}  // namespace ortbackend
