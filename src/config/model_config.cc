#include "config/model_config.h"

#include <algorithm>
#include <limits>

#include "common/data_type.h"
#include "config/json_read.h"
#include "config/sequence_config.h"

namespace ortbackend {
namespace {

Status ReadDims(const nlohmann::json& j, const std::string& what, Shape* out) {
  out->clear();
  if (j.is_null()) return Status::Ok();
  if (!j.is_array()) return Status::InvalidArgument(what + " must be a list of integers");
  for (const auto& d : j) {
    int64_t v;
    ORTB_RETURN_IF_ERROR(ReadInt64(d, what, &v));
    if (v < -1) return Status::InvalidArgument(what + " has dim " + std::to_string(v) + "; dims must be -1 or >= 0");
    out->push_back(v);
  }
  return Status::Ok();
}

}  // namespace

Status ParseTensorConfig(const nlohmann::json& j, const std::string& kind, TensorConfig* out) {
  if (!j.is_object()) return Status::InvalidArgument(kind + " entries must be objects");
  out->name = StringMember(j, "name");
  if (out->name.empty()) return Status::InvalidArgument(kind + " without a name");
  const std::string what = kind + " '" + out->name + "'";
  const std::string dt = StringMember(j, "data_type");
  auto dtype = DataTypeFromConfig(dt);
  if (!dtype) return Status::InvalidArgument(what + " has unsupported data_type '" + dt + "'");
  out->dtype = *dtype;
  ORTB_RETURN_IF_ERROR(ReadDims(j.contains("dims") ? j["dims"] : nlohmann::json(), what + " dims", &out->dims));
  out->has_reshape = false;
  out->reshape.clear();
  if (auto r = j.find("reshape"); r != j.end() && r->is_object()) {
    out->has_reshape = true;
    ORTB_RETURN_IF_ERROR(
        ReadDims(r->contains("shape") ? (*r)["shape"] : nlohmann::json(), what + " reshape", &out->reshape));
  }
  out->optional = false;
  if (auto o = j.find("optional"); o != j.end() && !o->is_null()) {
    if (!o->is_boolean()) return Status::InvalidArgument(what + " has non-boolean 'optional': " + o->dump());
    out->optional = o->get<bool>();
  }
  out->allow_ragged_batch = false;
  if (auto o = j.find("allow_ragged_batch"); o != j.end() && !o->is_null()) {
    if (!o->is_boolean()) return Status::InvalidArgument(what + " has non-boolean 'allow_ragged_batch': " + o->dump());
    out->allow_ragged_batch = o->get<bool>();
  }
  return Status::Ok();
}

Status ParseModelConfig(const nlohmann::json& j, ModelConfig* out) {
  if (!j.is_object()) return Status::InvalidArgument("model configuration is not a JSON object");
  out->name = StringMember(j, "name");
  out->platform = StringMember(j, "platform");
  out->backend = StringMember(j, "backend");
  out->default_model_filename = StringMember(j, "default_model_filename");
  out->max_batch_size = 0;
  if (auto m = j.find("max_batch_size"); m != j.end()) {
    ORTB_RETURN_IF_ERROR(ReadInt64(*m, "max_batch_size", &out->max_batch_size));
    if (out->max_batch_size < 0) return Status::InvalidArgument("max_batch_size must be >= 0");
  }
  out->inputs.clear();
  out->outputs.clear();
  for (const char* kind : {"input", "output"}) {
    auto it = j.find(kind);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_array()) return Status::InvalidArgument(std::string(kind) + " must be a list");
    auto& dest = std::string(kind) == "input" ? out->inputs : out->outputs;
    for (const auto& t : *it) {
      TensorConfig tc;
      ORTB_RETURN_IF_ERROR(ParseTensorConfig(t, kind, &tc));
      dest.push_back(std::move(tc));
    }
  }
  std::vector<std::string> input_names, output_names;
  for (const auto& t : out->inputs) input_names.push_back(t.name);
  for (const auto& t : out->outputs) output_names.push_back(t.name);
  if (Status s = ParseBatchInputs(j.value("batch_input", nlohmann::json()), input_names, &out->batch_inputs); !s.ok())
    return s;
  if (Status s =
          ParseBatchOutputs(j.value("batch_output", nlohmann::json()), input_names, output_names, &out->batch_outputs);
      !s.ok())
    return s;
  out->has_dynamic_batching = j.contains("dynamic_batching") && !j["dynamic_batching"].is_null();
  out->has_sequence_batching = j.contains("sequence_batching") && !j["sequence_batching"].is_null();
  if (Status s =
          ParseSequenceBatching(j.value("sequence_batching", nlohmann::json()), &out->control_inputs, &out->states);
      !s.ok())
    return s;
  out->parameters.clear();
  if (auto p = j.find("parameters"); p != j.end() && p->is_object()) {
    for (auto it = p->begin(); it != p->end(); ++it) {
      const auto& v = it.value();
      if (v.is_object() && v.contains("string_value") && v["string_value"].is_string())
        out->parameters[it.key()] = v["string_value"].get<std::string>();
      else if (v.is_string())
        out->parameters[it.key()] = v.get<std::string>();
      else
        return Status::InvalidArgument("parameter '" + it.key() + "' must have a string_value");
    }
  }
  return Status::Ok();
}

}  // namespace ortbackend

namespace ortbackend {

int CountInstances(const nlohmann::json& config, const std::string& wanted) {
  auto groups = config.find("instance_group");
  if (groups == config.end() || !groups->is_array() || groups->empty()) return 1;
  int64_t total = 0;
  for (const auto& g : *groups) {
    if (!g.is_object()) continue;
    std::string kind = StringMember(g, "kind");
    if (kind.empty()) kind = "KIND_CPU";
    if (kind != wanted) continue;
    int64_t count = 1;
    if (g.contains("count") && !ReadInt64(g["count"], "count", &count).ok()) count = 1;
    // Triton's count is an int32; clamp so arbitrary JSON cannot overflow the sum.
    total += std::clamp<int64_t>(count, 0, std::numeric_limits<int>::max());
  }
  return static_cast<int>(std::clamp<int64_t>(total, 1, std::numeric_limits<int>::max()));
}

}  // namespace ortbackend
