#include "load/model_byte_source.h"

#include <cstdio>

namespace ortbackend {
namespace {

bool IsOn(const std::string& value) { return value == "1" || value == "true" || value == "True"; }

// Whether the first byte of a file could start a protobuf message: a field
// number of at least 1 and a wire type onnx.proto uses. An encrypted file
// (the shipped format starts with 'O', wire type 7) fails this.
bool CouldBeProtobuf(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return true;  // ONNX Runtime reports the open failure
  const int c = std::fgetc(f);
  std::fclose(f);
  if (c == EOF) return true;  // empty: ONNX Runtime's message names it
  const int wire = c & 7;
  return (c >> 3) != 0 && (wire == 0 || wire == 1 || wire == 2 || wire == 5);
}

}  // namespace

Status CheckNoArtifacts(const ModelSettings& settings, const ExecutionProviderSettings& providers, bool allowed) {
  if (allowed) return Status::Ok();
  std::string found;
  auto add = [&](const std::string& what) { found += (found.empty() ? "" : ", ") + what; };
  if (!settings.optimized_model_filepath.empty()) add("parameter 'optimized_model_filepath'");
  if (!settings.profiling_file_prefix.empty()) add("parameter 'profiling_file_prefix'");
  for (const auto& [key, value] : settings.session_config_entries)
    if (key == "ep.context_enable" && IsOn(value)) add("parameter 'ep.context_enable'");
  for (const auto& [key, value] : providers.tensorrt_options)
    if ((key == "trt_engine_cache_enable" || key == "trt_timing_cache_enable" || key == "trt_dump_ep_context_model" ||
         key == "trt_dump_subgraphs") &&
        IsOn(value))
      add("TensorRT option '" + key + "'");
  for (const auto& [key, value] : providers.openvino_options)
    if (key == "cache_dir" && !value.empty()) add("OpenVINO option 'cache_dir'");
  if (found.empty()) return Status::Ok();
  return Status::InvalidArgument(
      "the model is encrypted, and " + found +
      " would write the model, or what ONNX Runtime derives from it, to disk unencrypted; remove it, or the "
      "server's operator allows it with --backend-config=onnxruntime,protected-model-artifacts=allow");
}

Status ModelByteSource::Choose(const DecryptorRegistry* registry, const std::string& model_name, const ModelFile& file,
                               const ModelSettings& settings, const ExecutionProviderSettings& providers,
                               ModelByteSource* out) {
  *out = ModelByteSource();
  out->model_name_ = model_name;
  out->file_ = file;
  if (settings.decryptor.empty()) {
    if (!CouldBeProtobuf(file.path))
      return Status::InvalidArgument(
          "the model file " + file.path +
          " is not an ONNX model (not a protobuf message); if it is encrypted, set the model's parameter "
          "'decryptor' to the name of the server's decryptor for it");
    return Status::Ok();
  }
  if (registry == nullptr) {
    DecryptorRegistry none;
    const FileDecryptor* unused = nullptr;
    return none.Find(settings.decryptor, &unused);
  }
  ORTB_RETURN_IF_ERROR(registry->Find(settings.decryptor, &out->decryptor_));
  return CheckNoArtifacts(settings, providers, registry->allow_artifacts());
}

Status ModelByteSource::Open(std::unique_ptr<DecryptedModel>* plaintext, ModelSource* out) const {
  *out = ModelSource(file_.path);
  if (decryptor_ == nullptr) return Status::Ok();
  ORTB_RETURN_IF_ERROR(DecryptedModel::Read(*decryptor_, model_name_, file_, plaintext));
  out->decrypted = plaintext->get();
  return Status::Ok();
}

}  // namespace ortbackend
