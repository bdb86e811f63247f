#include "autocomplete/autocomplete.h"

#include "common/data_type.h"
#include "config/batch_io_config.h"
#include "config/json_read.h"
#include "config/sequence_config.h"

namespace ortbackend {
namespace {

const ModelTensorInfo* FindIn(const std::vector<ModelTensorInfo>& v, const std::string& name) {
  for (const auto& t : v)
    if (t.name == name) return &t;
  return nullptr;
}

std::string NameList(const std::vector<ModelTensorInfo>& v) {
  std::string s;
  for (const auto& t : v) s += (s.empty() ? "'" : ", '") + t.name + "'";
  return s.empty() ? "(none)" : s;
}

// The dims a config gives this model tensor (the batch dim removed).
nlohmann::json ConfigDims(const ModelTensorInfo& t, bool batching) {
  nlohmann::json dims = nlohmann::json::array();
  for (size_t i = batching ? 1 : 0; i < t.shape.size(); ++i) dims.push_back(t.shape[i]);
  return dims;
}

// Triton needs at least one dim per tensor. A model scalar is served as [1]:
// a batching model's [batch] tensor through `reshape { shape: [] }`, a
// non-batching model's rank-0 tensor implicitly (Triton rejects an empty
// reshape there; see ImplicitScalar).
void SetDims(const ModelTensorInfo& t, bool batching, nlohmann::json* e) {
  if (t.shape.size() == (batching ? 1u : 0u)) {
    (*e)["dims"] = nlohmann::json::array({1});
    if (batching) (*e)["reshape"] = {{"shape", nlohmann::json::array()}};
  } else {
    (*e)["dims"] = ConfigDims(t, batching);
  }
}

Status CheckServable(const ModelTensorInfo& t, const char* kind) {
  if (!t.is_tensor)
    return Status::Unsupported(std::string("model ") + kind + " '" + t.name +
                               "' is not a tensor (sequence/map values are not supported)");
  if (t.dtype == TRITONSERVER_TYPE_INVALID)
    return Status::Unsupported(std::string("model ") + kind + " '" + t.name + "' has element type " +
                               OrtTypeName(t.ort_type) + ", which Triton cannot represent");
  return Status::Ok();
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names)
    if (n == name) return true;
  return false;
}

// Completes one of the "input"/"output" lists. Tensors in `skip` belong to
// the sequence batcher (control and state tensors) and are not listed.
Status CompleteTensors(const std::vector<ModelTensorInfo>& model, bool batching, const char* kind,
                       const std::vector<std::string>& skip, nlohmann::json* config, std::vector<std::string>* notes) {
  nlohmann::json& list = (*config)[kind];
  if (list.is_null() || (list.is_array() && list.empty())) {
    list = nlohmann::json::array();
    for (const auto& t : model) {
      if (Contains(skip, t.name)) continue;
      ORTB_RETURN_IF_ERROR(CheckServable(t, kind));
      nlohmann::json e;
      e["name"] = t.name;
      e["data_type"] = DataTypeToConfig(t.dtype);
      SetDims(t, batching, &e);
      list.push_back(std::move(e));
    }
    notes->push_back(std::string("added ") + std::to_string(list.size()) + " " + kind + "(s) from the model");
    return Status::Ok();
  }
  if (!list.is_array()) return Status::InvalidArgument(std::string(kind) + " must be a list");
  for (auto& e : list) {
    if (!e.is_object()) continue;
    const std::string name = StringMember(e, "name");
    const ModelTensorInfo* t = FindIn(model, name);
    if (t == nullptr) continue;  // reported by validation with the allowed names
    if (StringMember(e, "data_type").empty() || StringMember(e, "data_type") == "TYPE_INVALID") {
      ORTB_RETURN_IF_ERROR(CheckServable(*t, kind));
      e["data_type"] = DataTypeToConfig(t->dtype);
      notes->push_back(std::string("filled data_type of ") + kind + " '" + name + "'");
    }
    if (!e.contains("dims") || e["dims"].is_null() || (e["dims"].empty() && !e.contains("reshape"))) {
      SetDims(*t, batching, &e);
      notes->push_back(std::string("filled dims of ") + kind + " '" + name + "'");
    }
  }
  return Status::Ok();
}

// True when the config already lists tensors with the model's full rank,
// which says "this model does not batch" even though it could.
bool ConfigImpliesNoBatching(const nlohmann::json& config, const ModelIoInfo& io) {
  for (const char* kind : {"input", "output"}) {
    auto it = config.find(kind);
    if (it == config.end() || !it->is_array()) continue;
    for (const auto& e : *it) {
      if (!e.is_object() || !e.contains("dims") || !e["dims"].is_array()) continue;
      if (e.contains("reshape")) continue;
      // A ragged input is rank 1 in the model whatever the batching.
      if (e.value("allow_ragged_batch", false) == true) continue;
      const std::string name = StringMember(e, "name");
      const ModelTensorInfo* t = std::string(kind) == "input" ? io.FindInput(name) : io.FindOutput(name);
      if (t != nullptr && e["dims"].size() == t->shape.size()) return true;
    }
  }
  return false;
}

Status CheckDataType(const std::string& what, TRITONSERVER_DataType configured, const ModelTensorInfo& t) {
  if (configured == t.dtype) return Status::Ok();
  return Status::InvalidArgument(what + " has data_type " + DataTypeToConfig(configured) +
                                 " in the config, but the model expects " + DataTypeToConfig(t.dtype));
}

// `scattered`: the tensor is a batch_output target, whose model shape need
// not follow the config (its slices follow the requests' input shapes).
Status CheckTensor(const TensorConfig& c, const ModelTensorInfo& t, bool batching, const char* kind, bool scattered) {
  ORTB_RETURN_IF_ERROR(CheckServable(t, kind));
  ORTB_RETURN_IF_ERROR(CheckDataType(std::string(kind) + " '" + c.name + "'", c.dtype, t));
  if (scattered || ImplicitScalar(c, t, batching)) return Status::Ok();
  if (batching && c.allow_ragged_batch) {
    // The backend concatenates the requests' elements into one 1-D tensor.
    if (t.shape.size() == 1 && t.shape[0] == -1) return Status::Ok();
    return Status::InvalidArgument(std::string(kind) + " '" + c.name +
                                   "' allows ragged batching, so the model must declare it with shape [-1] (the "
                                   "batch's elements, concatenated), but the model's shape is " +
                                   ShapeToString(t.shape));
  }
  Shape full;
  if (batching) full.push_back(-1);
  full.insert(full.end(), c.model_dims().begin(), c.model_dims().end());
  bool ok = full.size() == t.shape.size();
  for (size_t i = 0; ok && i < full.size(); ++i) ok = full[i] == -1 || t.shape[i] == -1 || full[i] == t.shape[i];
  if (batching && !t.shape.empty() && t.shape[0] != -1) ok = false;
  if (!ok) {
    std::string cfg = ShapeToString(full);
    if (batching) cfg += " (batch dim -1 from max_batch_size > 0)";
    return Status::InvalidArgument(std::string(kind) + " '" + c.name + "' has shape " + cfg + " in the config" +
                                   (c.has_reshape ? " (after reshape)" : "") + ", but the model's shape is " +
                                   ShapeToString(t.shape));
  }
  return Status::Ok();
}

// Every config tensor of one kind exists in the model and agrees with it.
// `kind` names the config entries in messages; `model_kind` is "input" or
// "output", the model list they must be found in.
// `initializers`: the overridable initializers, which may stand as inputs.
Status NotInModel(const std::string& what, const std::string& model_kind, const std::vector<ModelTensorInfo>& model,
                  const std::vector<ModelTensorInfo>* initializers = nullptr) {
  std::string message =
      what + " is not an " + model_kind + " of the model; the model's " + model_kind + "s are " + NameList(model);
  if (initializers != nullptr && !initializers->empty())
    message += ", and its overridable initializers (which may be inputs too) " + NameList(*initializers);
  return Status::InvalidArgument(message);
}

// `initializers`: for inputs, the overridable initializers, searched after
// `model`: a config may list one as an input.
Status CheckConfigTensors(const std::vector<TensorConfig>& configured, const std::vector<ModelTensorInfo>& model,
                          bool batching, const std::string& kind, const std::string& model_kind,
                          const std::vector<std::string>& scattered = {},
                          const std::vector<ModelTensorInfo>* initializers = nullptr) {
  for (const auto& c : configured) {
    const ModelTensorInfo* t = FindIn(model, c.name);
    if (t == nullptr && initializers != nullptr) t = FindIn(*initializers, c.name);
    if (t == nullptr) return NotInModel("config " + kind + " '" + c.name + "'", model_kind, model, initializers);
    ORTB_RETURN_IF_ERROR(CheckTensor(c, *t, batching, kind.c_str(), Contains(scattered, c.name)));
  }
  return Status::Ok();
}

// Each batch_input target is a model input of the batch input's type. Its
// shape is the backend's to compute, so only the type is checked here.
Status CheckBatchInputs(const ModelConfig& config, const ModelIoInfo& io) {
  for (const auto& b : config.batch_inputs) {
    for (const auto& name : b.target_names) {
      const std::string what = "batch_input '" + name + "'";
      const ModelTensorInfo* t = io.FindInput(name);
      if (t == nullptr) return NotInModel(what, "input", io.inputs, &io.initializers);
      ORTB_RETURN_IF_ERROR(CheckServable(*t, "input"));
      ORTB_RETURN_IF_ERROR(CheckDataType(what, b.dtype, *t));
    }
  }
  return Status::Ok();
}

}  // namespace

const ModelTensorInfo* ModelIoInfo::FindInput(const std::string& name) const {
  const ModelTensorInfo* t = FindIn(inputs, name);
  return t != nullptr ? t : FindIn(initializers, name);
}
const ModelTensorInfo* ModelIoInfo::FindOutput(const std::string& name) const { return FindIn(outputs, name); }

bool ModelSupportsBatching(const ModelIoInfo& io) {
  if (io.inputs.empty() && io.outputs.empty()) return false;
  for (const auto* list : {&io.inputs, &io.outputs})
    for (const auto& t : *list)
      if (t.shape.empty() || t.shape[0] != -1) return false;
  return true;
}

Status AutoCompleteConfig(const ModelIoInfo& io, int default_max_batch_size, nlohmann::json* config,
                          std::vector<std::string>* notes) {
  if (!config->is_object()) *config = nlohmann::json::object();
  int64_t mbs = 0;
  if (auto it = config->find("max_batch_size"); it != config->end()) {
    ORTB_RETURN_IF_ERROR(ReadInt64(*it, "max_batch_size", &mbs));
  }
  // The batcher is added only to a max_batch_size chosen here: a config that
  // sets max_batch_size itself also chose its scheduler (none means the
  // server's default, which does not combine requests), as in the original
  // backend.
  bool chose_max_batch_size = false;
  if (mbs == 0 && default_max_batch_size > 0 && ModelSupportsBatching(io) && !ConfigImpliesNoBatching(*config, io)) {
    mbs = default_max_batch_size;
    chose_max_batch_size = true;
    (*config)["max_batch_size"] = mbs;
    notes->push_back("set max_batch_size to " + std::to_string(mbs) + " (the model has a dynamic batch dim)");
  }
  const bool batching = mbs > 0;
  // Model inputs the sequence batcher or a batch_input supplies are not
  // client inputs.
  std::vector<std::string> supplied = SequenceInputNames(*config);
  for (auto& n : BatchInputTargetNames(*config)) supplied.push_back(std::move(n));
  ORTB_RETURN_IF_ERROR(CompleteTensors(io.inputs, batching, "input", supplied, config, notes));
  ORTB_RETURN_IF_ERROR(CompleteTensors(io.outputs, batching, "output", SequenceOutputNames(*config), config, notes));
  const bool has_scheduler = (config->contains("dynamic_batching") && !(*config)["dynamic_batching"].is_null()) ||
                             (config->contains("sequence_batching") && !(*config)["sequence_batching"].is_null());
  if (chose_max_batch_size && mbs > 1 && !has_scheduler) {
    (*config)["dynamic_batching"] = nlohmann::json::object();
    notes->push_back("added dynamic_batching (max_batch_size set to the default above 1, and no scheduler set)");
  }
  return Status::Ok();
}

Status ValidateConfigAgainstModel(const ModelConfig& config, const ModelIoInfo& io) {
  const bool batching = config.batching();
  if (batching && !ModelSupportsBatching(io)) {
    for (const auto* list : {&io.inputs, &io.outputs})
      for (const auto& t : *list)
        if (t.shape.empty() || t.shape[0] != -1)
          return Status::InvalidArgument("max_batch_size is " + std::to_string(config.max_batch_size) +
                                         " but the model cannot batch: tensor '" + t.name + "' has shape " +
                                         ShapeToString(t.shape) +
                                         ", whose first dim is not dynamic; set max_batch_size to 0");
  }
  // The sequence batcher's tensors are model inputs/outputs like any other;
  // each model input must come from exactly one place.
  std::vector<TensorConfig> sequence_inputs = config.control_inputs, state_outputs;
  for (const auto& st : config.states) {
    sequence_inputs.push_back(st.input);
    state_outputs.push_back(st.output);
  }
  std::vector<std::string> batch_input_targets, scattered;
  for (const auto& b : config.batch_inputs)
    batch_input_targets.insert(batch_input_targets.end(), b.target_names.begin(), b.target_names.end());
  for (const auto& b : config.batch_outputs)
    scattered.insert(scattered.end(), b.target_names.begin(), b.target_names.end());
  ORTB_RETURN_IF_ERROR(CheckConfigTensors(config.inputs, io.inputs, batching, "input", "input", {}, &io.initializers));
  ORTB_RETURN_IF_ERROR(CheckConfigTensors(sequence_inputs, io.inputs, batching, "sequence_batching input", "input", {},
                                          &io.initializers));
  ORTB_RETURN_IF_ERROR(
      CheckConfigTensors(state_outputs, io.outputs, batching, "sequence_batching state output", "output"));
  ORTB_RETURN_IF_ERROR(CheckConfigTensors(config.outputs, io.outputs, batching, "output", "output", scattered));
  ORTB_RETURN_IF_ERROR(CheckBatchInputs(config, io));
  // An overridable initializer may be configured once or not at all (then
  // every run uses its stored value); an input proper exactly once.
  for (const auto* list : {&io.inputs, &io.initializers}) {
    for (const auto& t : *list) {
      int sources = 0;
      for (const auto& c : config.inputs) sources += c.name == t.name;
      for (const auto& c : sequence_inputs) sources += c.name == t.name;
      for (const auto& n : batch_input_targets) sources += n == t.name;
      if (sources > 1)
        return Status::InvalidArgument("the model's input '" + t.name +
                                       "' is configured more than once (under input, in sequence_batching or as a "
                                       "batch_input target)");
      if (sources == 0 && !t.initializer)
        return Status::InvalidArgument("the model's input '" + t.name + "' is missing from the config (config has " +
                                       std::to_string(config.inputs.size()) + " of the model's " +
                                       std::to_string(io.inputs.size()) + " inputs" +
                                       (sequence_inputs.empty() ? "" : ", plus sequence_batching's") +
                                       (batch_input_targets.empty() ? "" : ", plus batch_input targets") + ")");
    }
  }
  if (config.outputs.empty() && config.states.empty()) return Status::InvalidArgument("the config lists no outputs");
  return Status::Ok();
}

}  // namespace ortbackend
