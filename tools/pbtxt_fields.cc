#include "pbtxt_fields.h"

#include <algorithm>
#include <iterator>

namespace ortbackend {
namespace {

// From model_config.proto (Triton 2.51): every repeated field name that a
// model configuration may hold, at any depth.
const char* const kRepeated[] = {
    "input",
    "output",
    "batch_input",
    "batch_output",
    "instance_group",
    "dims",
    "shape",
    "target_name",
    "source_input",
    "preferred_batch_size",
    "gpus",
    "secondary_devices",
    "profile",
    "control_input",
    "control",
    "int32_false_true",
    "fp32_false_true",
    "bool_false_true",
    "state",
    "initial_state",
    "model_warmup",
    "gpu_execution_accelerator",
    "cpu_execution_accelerator",
    "op_library_filename",
    "step",
};

const char* const kMaps[] = {
    "parameters", "cc_model_filenames", "metric_tags", "inputs", "input_map", "output_map", "priority_queue_policy",
};

bool In(const char* const* begin, const char* const* end, const std::string& key) {
  return std::find(begin, end, key) != end;
}

}  // namespace

bool IsRepeatedConfigField(const std::string& key) { return In(std::begin(kRepeated), std::end(kRepeated), key); }

bool IsMapConfigField(const std::string& key) { return In(std::begin(kMaps), std::end(kMaps), key); }

}  // namespace ortbackend
