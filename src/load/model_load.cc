#include "load/model_load.h"

#include "autocomplete/autocomplete.h"
#include "config/json_read.h"

namespace ortbackend {

Status LoadModel(const ModelLoadInput& input, const ModelIoReader& read_io, ModelLoad* out) {
  out->config_json = input.config.is_object() ? input.config : nlohmann::json::object();
  Status s = ParseModelSettings(out->config_json, &out->settings);
  if (s.ok()) s = ParseExecutionProviders(out->config_json, out->settings, &out->providers);
  if (!s.ok()) return s;

  if (input.path.empty()) {
    s = ResolveModelFile(input.repository, input.version, StringMember(out->config_json, "default_model_filename"),
                         &out->file);
  } else {
    s = ResolveModelPath(input.path, &out->file);
  }
  if (!s.ok()) return s;
  out->weights_bytes = ModelFilesBytes(out->file);

  s = read_io(*out, &out->io);
  if (!s.ok()) return s;
  if (input.auto_complete) {
    s = AutoCompleteConfig(out->io, input.default_max_batch_size, &out->config_json, &out->completed);
    if (!s.ok()) return s;
  }
  s = ParseModelConfig(out->config_json, &out->config);
  if (!s.ok()) return s;
  if (out->config.name.empty()) out->config.name = input.model_name;
  return ValidateConfigAgainstModel(out->config, out->io);
}

}  // namespace ortbackend
