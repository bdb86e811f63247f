#pragma once
// Where a model's sessions get its bytes: the one choice the load path makes
// for protected models (docs/model_protection.md). A model without the
// `decryptor` parameter is plain: ONNX Runtime opens its file, as always. A
// model with it is decrypted in memory, once per session, by the operator's
// decryptor of that name, and its plaintext is wiped as soon as the session
// exists.

#include <memory>
#include <string>

#include "common/status.h"
#include "config/execution_providers.h"
#include "config/model_settings.h"
#include "load/decrypted_model.h"
#include "load/decryptor_registry.h"
#include "load/model_path.h"
#include "load/model_source.h"

namespace ortbackend {

class ModelByteSource {
 public:
  // Chooses the source of a model. With `settings.decryptor` set: the
  // registered decryptor of that name (NotFound if there is none; `registry`
  // may be null when none is registered), and the model may not use a
  // feature that writes model artefacts to disk unless the operator allowed
  // it (CheckNoArtifacts). Without it: plain, after a look at the file's
  // first bytes so that an encrypted file is reported as such instead of as
  // a protobuf error.
  static Status Choose(const DecryptorRegistry* registry, const std::string& model_name, const ModelFile& file,
                       const ModelSettings& settings, const ExecutionProviderSettings& providers, ModelByteSource* out);

  bool encrypted() const { return decryptor_ != nullptr; }
  const ModelFile& file() const { return file_; }

  // The model for one session. Plain: `out` is the path. Encrypted: reads
  // and decrypts the model into `plaintext`, which the caller keeps until
  // the session exists and then resets (wiping it); `out` points into it.
  Status Open(std::unique_ptr<DecryptedModel>* plaintext, ModelSource* out) const;

 private:
  std::string model_name_;
  ModelFile file_;
  const FileDecryptor* decryptor_ = nullptr;
};

// InvalidArgument naming the setting when an encrypted model asks for a
// feature that writes the model, or what ONNX Runtime derives from it, to
// disk: optimized_model_filepath, profiling_file_prefix, TensorRT engine and
// timing caches or EP context dumps, OpenVINO's cache_dir, or an EP context
// model (session entry ep.context_enable). The operator allows them with
// protected-model-artifacts=allow (`allowed`).
Status CheckNoArtifacts(const ModelSettings& settings, const ExecutionProviderSettings& providers, bool allowed);

}  // namespace ortbackend
