#pragma once
// Ragged batching's config: `batch_input` (tensors the backend computes from
// the batched requests and feeds to model inputs that clients never send) and
// `batch_output` (model outputs split back per request by the shape of one of
// its inputs). Plain data, parsed and checked for spelling and cross
// references; checking against the ONNX model is autocomplete/'s job.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

struct BatchInputConfig {
  // The kinds Triton's model configuration defines, with the same meaning.
  enum class Kind {
    kElementCount,                     // [requests]: each request's element count
    kAccumulatedElementCount,          // [requests]: running sum of the counts
    kAccumulatedElementCountWithZero,  // [requests + 1]: 0, then the running sum
    kMaxElementCountAsShape,           // [largest count]: only the shape carries the value
    kItemShape,                        // [batch items, rank - 1]: each item's shape
    kItemShapeFlatten,                 // [batch items * (rank - 1)]: the same, flat
  };
  Kind kind = Kind::kElementCount;
  std::vector<std::string> target_names;                    // model inputs fed with the tensor
  TRITONSERVER_DataType dtype = TRITONSERVER_TYPE_INVALID;  // FP32, INT32 or INT64
  std::string source_input;                                 // the configured input it describes
};

// Only BATCH_SCATTER_WITH_INPUT_SHAPE exists: each target output is split into
// one slice per request, shaped like the output's config dims with every -1
// taken from the same dim of the request's `source_input`.
struct BatchOutputConfig {
  std::vector<std::string> target_names;  // configured outputs
  std::string source_input;
};

// "BATCH_ELEMENT_COUNT" ...: the config spelling of a kind.
const char* BatchInputKindName(BatchInputConfig::Kind kind);

// Parses the `batch_input` / `batch_output` lists (absent or null: none).
// `input_names` / `output_names` are the configured inputs and outputs that
// sources and batch-output targets must be among.
Status ParseBatchInputs(const nlohmann::json& list, const std::vector<std::string>& input_names,
                        std::vector<BatchInputConfig>* out);
Status ParseBatchOutputs(const nlohmann::json& list, const std::vector<std::string>& input_names,
                         const std::vector<std::string>& output_names, std::vector<BatchOutputConfig>* out);

// The model inputs that batch_input supplies, read leniently from a raw
// config for auto-complete, which must not list them under `input`.
std::vector<std::string> BatchInputTargetNames(const nlohmann::json& config);

}  // namespace ortbackend
