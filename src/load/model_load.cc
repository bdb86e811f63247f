#include "load/model_load.h"

#include "autocomplete/autocomplete.h"
#include "config/json_read.h"

namespace ortbackend {

Status LoadModel(const ModelLoadInput& input, const ModelIoReader& read_io, ModelLoad* out) {
  LoadPhases unused;
  LoadPhases& phases = input.phases != nullptr ? *input.phases : unused;
  uint64_t t = NowNs();
  out->config_json = input.config.is_object() ? input.config : nlohmann::json::object();
  ORTB_RETURN_IF_ERROR(ParseModelSettings(out->config_json, &out->settings));
  ORTB_RETURN_IF_ERROR(ParseExecutionProviders(out->config_json, out->settings, &out->providers));
  t = phases.Add(LoadPhase::kConfigParse, t);

  ORTB_RETURN_IF_ERROR(input.path.empty()
                           ? ResolveModelFile(input.repository, input.version,
                                              StringMember(out->config_json, "default_model_filename"), &out->file)
                           : ResolveModelPath(input.path, &out->file));
  out->weights_bytes = ModelFilesBytes(out->file);
  phases.Add(LoadPhase::kModelRead, t);

  ORTB_RETURN_IF_ERROR(read_io(*out, &out->io));  // adds its own phases
  t = NowNs();
  if (input.auto_complete) {
    ORTB_RETURN_IF_ERROR(AutoCompleteConfig(out->io, input.default_max_batch_size, &out->config_json, &out->completed));
  }
  t = phases.Add(LoadPhase::kAutoComplete, t);
  ORTB_RETURN_IF_ERROR(ParseModelConfig(out->config_json, &out->config));
  if (out->config.name.empty()) out->config.name = input.model_name;
  const Status valid = ValidateConfigAgainstModel(out->config, out->io);
  phases.Add(LoadPhase::kConfigParse, t);
  return valid;
}

}  // namespace ortbackend
