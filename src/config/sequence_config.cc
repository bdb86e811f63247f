#include "config/sequence_config.h"

#include "common/data_type.h"
#include "config/json_read.h"

namespace ortbackend {
namespace {

bool NonEmptyArray(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_array() && !it->empty();
}

// The dtype a START/END/READY control is delivered in: whichever of the
// *_false_true pairs the config fills.
Status FlagControlType(const nlohmann::json& control, const std::string& what, TRITONSERVER_DataType* out) {
  struct Choice {
    const char* key;
    TRITONSERVER_DataType dtype;
  };
  const Choice choices[] = {{"int32_false_true", TRITONSERVER_TYPE_INT32},
                            {"fp32_false_true", TRITONSERVER_TYPE_FP32},
                            {"bool_false_true", TRITONSERVER_TYPE_BOOL}};
  int found = 0;
  for (const auto& c : choices) {
    if (!NonEmptyArray(control, c.key)) continue;
    if (control[c.key].size() != 2)
      return Status::InvalidArgument(what + ": " + c.key + " must hold two values (false, true)");
    *out = c.dtype;
    ++found;
  }
  if (found != 1)
    return Status::InvalidArgument(what +
                                   " must set exactly one of int32_false_true, fp32_false_true, "
                                   "bool_false_true");
  return Status::Ok();
}

Status ParseControlInput(const nlohmann::json& j, TensorConfig* out) {
  if (!j.is_object()) return Status::InvalidArgument("sequence_batching control_input entries must be objects");
  out->name = StringMember(j, "name");
  if (out->name.empty()) return Status::InvalidArgument("sequence_batching control_input without a name");
  const std::string what = "sequence_batching control_input '" + out->name + "'";
  auto controls = j.find("control");
  if (controls == j.end() || !controls->is_array() || controls->size() != 1 || !(*controls)[0].is_object())
    return Status::InvalidArgument(what + " must have exactly one control");
  const nlohmann::json& control = (*controls)[0];
  const std::string kind = StringMember(control, "kind");
  if (kind == "CONTROL_SEQUENCE_START" || kind == "CONTROL_SEQUENCE_END" || kind == "CONTROL_SEQUENCE_READY") {
    ORTB_RETURN_IF_ERROR(FlagControlType(control, what + " (" + kind + ")", &out->dtype));
  } else if (kind == "CONTROL_SEQUENCE_CORRID") {
    const std::string dt = StringMember(control, "data_type");
    auto dtype = DataTypeFromConfig(dt);
    if (!dtype ||
        (*dtype != TRITONSERVER_TYPE_UINT64 && *dtype != TRITONSERVER_TYPE_INT64 &&
         *dtype != TRITONSERVER_TYPE_UINT32 && *dtype != TRITONSERVER_TYPE_INT32 && *dtype != TRITONSERVER_TYPE_BYTES))
      return Status::InvalidArgument(what + " (CONTROL_SEQUENCE_CORRID) has data_type '" + dt +
                                     "'; expected TYPE_UINT64, TYPE_INT64, TYPE_UINT32, TYPE_INT32 or TYPE_STRING");
    out->dtype = *dtype;
  } else {
    return Status::InvalidArgument(what + " has unknown control kind '" + kind + "'");
  }
  // Triton delivers every control as one value per batch item.
  out->dims = {1};
  out->has_reshape = false;
  out->reshape.clear();
  out->optional = false;
  return Status::Ok();
}

Status ParseState(const nlohmann::json& j, SequenceStateConfig* out) {
  if (!j.is_object()) return Status::InvalidArgument("sequence_batching state entries must be objects");
  const std::string in = StringMember(j, "input_name"), outname = StringMember(j, "output_name");
  if (in.empty() || outname.empty())
    return Status::InvalidArgument("sequence_batching state needs both input_name and output_name");
  // A state reads like an input entry whose name is input_name.
  nlohmann::json as_tensor = {
      {"name", in}, {"data_type", j.value("data_type", nlohmann::json())}, {"dims", j.value("dims", nlohmann::json())}};
  ORTB_RETURN_IF_ERROR(ParseTensorConfig(as_tensor, "sequence_batching state", &out->input));
  out->output = out->input;
  out->output.name = outname;
  return Status::Ok();
}

std::vector<std::string> MemberNames(const nlohmann::json& config, const char* list, const char* key) {
  std::vector<std::string> names;
  auto sb = config.find("sequence_batching");
  if (sb == config.end() || !sb->is_object()) return names;
  auto it = sb->find(list);
  if (it == sb->end() || !it->is_array()) return names;
  for (const auto& e : *it)
    if (e.is_object() && !StringMember(e, key).empty()) names.push_back(StringMember(e, key));
  return names;
}

}  // namespace

Status ParseSequenceBatching(const nlohmann::json& sb, std::vector<TensorConfig>* controls,
                             std::vector<SequenceStateConfig>* states) {
  controls->clear();
  states->clear();
  if (sb.is_null()) return Status::Ok();
  if (!sb.is_object()) return Status::InvalidArgument("sequence_batching must be an object");
  if (auto it = sb.find("control_input"); it != sb.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("sequence_batching control_input must be a list");
    for (const auto& c : *it) {
      TensorConfig tc;
      ORTB_RETURN_IF_ERROR(ParseControlInput(c, &tc));
      controls->push_back(std::move(tc));
    }
  }
  if (auto it = sb.find("state"); it != sb.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("sequence_batching state must be a list");
    for (const auto& st : *it) {
      SequenceStateConfig sc;
      ORTB_RETURN_IF_ERROR(ParseState(st, &sc));
      states->push_back(std::move(sc));
    }
  }
  return Status::Ok();
}

std::vector<std::string> SequenceInputNames(const nlohmann::json& config) {
  std::vector<std::string> names = MemberNames(config, "control_input", "name");
  for (auto& n : MemberNames(config, "state", "input_name")) names.push_back(std::move(n));
  return names;
}

std::vector<std::string> SequenceOutputNames(const nlohmann::json& config) {
  return MemberNames(config, "state", "output_name");
}

}  // namespace ortbackend
