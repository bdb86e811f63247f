// Fuzzes the load-time config path with arbitrary JSON, parsed the way the
// backend parses server messages (triton/message.cc: exceptions disabled):
//
//   ParseBackendSettings (the same document as --backend-config JSON),
//   CountInstances, ParseModelSettings -> ParseExecutionProviders,
//   and, for each of three fixed models: AutoCompleteConfig ->
//   ParseModelConfig -> ValidateConfigAgainstModel -> BuildExecutionSpec.
//
// Nothing may crash, throw (an escaping exception aborts the fuzzer) or leak.
// Checked invariants: errors carry a message; provider option lists have
// unique keys; a config that validates after auto-complete is a fixed point
// of auto-complete and yields a consistent ExecutionSpec.

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "autocomplete/autocomplete.h"
#include "config/backend_settings.h"
#include "config/execution_providers.h"
#include "config/host_policy.h"
#include "config/json_read.h"
#include "config/model_config.h"
#include "config/model_settings.h"
#include "fuzz_check.h"
#include "tensor/tensor_spec.h"

using namespace ortbackend;
using ortbackend_fuzz::Require;

namespace {

ModelTensorInfo Tensor(const std::string& name, TRITONSERVER_DataType dtype, ONNXTensorElementDataType ort, Shape shape,
                       std::vector<std::string> dim_names = {}) {
  ModelTensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.ort_type = ort;
  t.shape = std::move(shape);
  t.dim_names = std::move(dim_names);
  t.dim_names.resize(t.shape.size());
  return t;
}

// The models the configs are completed and validated against: one that can
// batch (like tests' add_sub), one that cannot (a scalar and strings, output
// dims named after input dims), and one with tensors Triton cannot serve.
const std::vector<ModelIoInfo>& Models() {
  static const std::vector<ModelIoInfo> models = [] {
    constexpr auto kF32 = ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    std::vector<ModelIoInfo> m(3);
    m[0].inputs = {Tensor("INPUT0", TRITONSERVER_TYPE_FP32, kF32, {-1, 4}, {"batch", ""}),
                   Tensor("INPUT1", TRITONSERVER_TYPE_FP32, kF32, {-1, 4}, {"batch", ""})};
    // Overridable initializers: a config may list them as (optional) inputs.
    m[0].initializers = {Tensor("W", TRITONSERVER_TYPE_FP32, kF32, {-1, 4}, {"wb", ""})};
    m[1].initializers = {Tensor("K", TRITONSERVER_TYPE_INT64, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, {2})};
    for (auto* list : {&m[0].initializers, &m[1].initializers})
      for (auto& t : *list) t.initializer = true;
    m[0].outputs = {Tensor("OUTPUT0", TRITONSERVER_TYPE_FP32, kF32, {-1, 4}, {"batch", ""}),
                    Tensor("OUTPUT1", TRITONSERVER_TYPE_FP32, kF32, {-1, -1}, {"batch", "n"})};
    m[1].inputs = {Tensor("S", TRITONSERVER_TYPE_INT64, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, {}),
                   Tensor("T", TRITONSERVER_TYPE_BYTES, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, {-1}, {"N"})};
    m[1].outputs = {Tensor("U", TRITONSERVER_TYPE_BYTES, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, {-1}, {"N"}),
                    Tensor("Y", TRITONSERVER_TYPE_FP32, kF32, {3, -1}, {"", "N"}),
                    Tensor("Z", TRITONSERVER_TYPE_BOOL, ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, {})};
    m[2].inputs = {Tensor("X", TRITONSERVER_TYPE_FP32, kF32, {-1}, {"n"}),
                   Tensor("F8", TRITONSERVER_TYPE_INVALID, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN, {-1})};
    ModelTensorInfo seq = Tensor("SEQ", TRITONSERVER_TYPE_FP32, kF32, {-1});
    seq.is_tensor = false;
    m[2].outputs = {Tensor("Y", TRITONSERVER_TYPE_FP32, kF32, {-1}, {"n"}), seq};
    return m;
  }();
  return models;
}

void RequireError(const Status& s, const char* what) {
  Require(s.ok() || !s.message().empty(), std::string(what) + " failed without a message");
}

void RequireUniqueKeys(const ProviderOptionList& options, const char* what) {
  std::set<std::string> keys;
  for (const auto& kv : options) Require(keys.insert(kv.first).second, std::string(what) + " repeats " + kv.first);
}

void CheckSpec(const ExecutionSpec& spec, const ModelConfig& config, const ModelIoInfo& io) {
  Require(spec.inputs.size() == config.inputs.size() && spec.outputs.size() == config.outputs.size(),
          "ExecutionSpec tensor count differs from the config's");
  // Only an overridable initializer has a value to run with when left out.
  for (const TensorSpec& t : spec.inputs) {
    const ModelTensorInfo* m = io.FindInput(t.name);
    Require(m != nullptr && t.has_default == m->initializer, "has_default differs from the model's initializer flag");
  }
  Require(spec.output_names.size() == spec.outputs.size(), "output_names size differs");
  for (size_t i = 0; i < spec.outputs.size(); ++i)
    Require(spec.output_names[i] == spec.outputs[i].name.c_str(), "output_names does not point into outputs");
  for (const auto* list : {&spec.inputs, &spec.outputs}) {
    for (const TensorSpec& t : *list) {
      Require(!t.implicit_scalar || !spec.batching(), "implicit scalar in a batching model");
      if (t.implicit_scalar)
        for (int64_t d : t.dims) Require(d == 1, "implicit scalar with a dim other than 1");
      for (int64_t d : t.dims) Require(d >= -1, "spec dim below -1");
    }
  }
  for (const TensorSpec& o : spec.outputs) {
    if (o.shape_recipe.empty()) continue;
    const ModelTensorInfo* m = io.FindOutput(o.name);
    Require(m != nullptr && o.shape_recipe.size() == m->shape.size(), "shape recipe rank differs from the model's");
    for (const DimSource& d : o.shape_recipe) {
      if (d.kind == DimSource::kBatch) Require(spec.batching(), "batch dim in a non-batching recipe");
      if (d.kind == DimSource::kFixed) Require(d.value >= 0, "negative fixed dim in a recipe");
      if (d.kind != DimSource::kInputDim) continue;
      Require(d.input >= 0 && d.input < static_cast<int>(spec.inputs.size()), "recipe names a missing input");
      const ModelTensorInfo* in = io.FindInput(spec.inputs[d.input].name);
      Require(in != nullptr && d.dim >= 0 && d.dim < static_cast<int>(in->shape.size()),
              "recipe names a dim the input does not have");
    }
  }
}

void CompleteAndValidate(const nlohmann::json& original, const ModelIoInfo& io, int default_max_batch_size) {
  nlohmann::json config = original;
  std::vector<std::string> notes;
  Status s = AutoCompleteConfig(io, default_max_batch_size, &config, &notes);
  RequireError(s, "AutoCompleteConfig");
  if (!s.ok()) return;
  // Auto-complete adds the graph's inputs proper, never an overridable
  // initializer (as the original backend): one in the list came from the user.
  const auto given = original.is_object() ? original.find("input") : original.end();
  const bool listed = original.is_object() && given != original.end() && given->is_array() && !given->empty();
  if (!listed && config["input"].is_array())
    for (const auto& e : config["input"])
      for (const auto& t : io.initializers)
        Require(!e.is_object() || StringMember(e, "name") != t.name, "auto-complete listed an initializer");
  const std::string text = config.dump();  // what the backend hands back to the server

  ModelConfig parsed;
  s = ParseModelConfig(config, &parsed);
  RequireError(s, "ParseModelConfig");
  if (!s.ok()) return;
  s = ValidateConfigAgainstModel(parsed, io);
  RequireError(s, "ValidateConfigAgainstModel");
  if (!s.ok()) return;

  // A valid completed config needs nothing more from auto-complete.
  nlohmann::json again = config;
  std::vector<std::string> more_notes;
  s = AutoCompleteConfig(io, default_max_batch_size, &again, &more_notes);
  Require(s.ok() && more_notes.empty() && again == config,
          "auto-complete is not idempotent on a valid config: " + text + " -> " + again.dump() +
              (more_notes.empty() ? "" : " (" + more_notes[0] + ")"));

  CheckSpec(BuildExecutionSpec(parsed, io), parsed, io);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;

  BackendSettings backend;
  Status s = ParseBackendSettings(j, &backend);
  RequireError(s, "ParseBackendSettings");
  (void)backend.ToString();
  const int default_max_batch_size = s.ok() ? backend.default_max_batch_size : 4;

  for (const char* kind : {"KIND_CPU", "KIND_GPU"})
    Require(CountInstances(j, kind) >= 1, std::string("CountInstances(") + kind + ") below 1");

  ModelSettings settings;
  s = ParseModelSettings(j, &settings);
  RequireError(s, "ParseModelSettings");
  if (s.ok()) {
    ExecutionProviderSettings providers;
    s = ParseExecutionProviders(j, settings, &providers);
    RequireError(s, "ParseExecutionProviders");
    if (s.ok()) {
      RequireUniqueKeys(providers.tensorrt_options, "tensorrt_options");
      RequireUniqueKeys(providers.cuda_options, "cuda_options");
      RequireUniqueKeys(providers.openvino_options, "openvino_options");
    }
  }

  // The same bytes as a host-policy message ({"name": {"cpu-cores": ...}}).
  HostPolicy policy;
  s = ParseHostPolicy(j, &policy);
  RequireError(s, "ParseHostPolicy");
  if (s.ok()) {
    for (size_t i = 0; i < policy.cpu_cores.size(); ++i) {
      Require(policy.cpu_cores[i] >= 0 && policy.cpu_cores[i] <= 65535, "a CPU out of range");
      Require(i == 0 || policy.cpu_cores[i - 1] < policy.cpu_cores[i], "CPUs not ascending and unique");
    }
    for (int threads : {1, 2, 7}) {
      const std::string affinities = IntraOpThreadAffinities(policy.cpu_cores, threads);
      const size_t groups =
          affinities.empty() ? 0 : 1 + static_cast<size_t>(std::count(affinities.begin(), affinities.end(), ';'));
      Require(groups == (policy.cpu_cores.empty() ? 0u : static_cast<size_t>(threads - 1)),
              "intra-op affinities are not one group per pool thread: " + affinities);
    }
  }

  // Without auto-complete (strict config), then with it against each model.
  ModelConfig strict;
  s = ParseModelConfig(j, &strict);
  RequireError(s, "ParseModelConfig");
  for (const ModelIoInfo& io : Models()) {
    if (s.ok()) RequireError(ValidateConfigAgainstModel(strict, io), "ValidateConfigAgainstModel");
    CompleteAndValidate(j, io, default_max_batch_size);
  }
  return 0;
}
