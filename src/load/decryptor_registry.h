#pragma once
// The decryptors the server's operator registered (config/decryptor_settings.h),
// loaded once at backend initialize and kept until finalize: backend-wide,
// beside the ONNX Runtime environment. Models only look them up by name;
// a model's config can never name a library or a key.

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/decryptor_settings.h"
#include "load/file_decryptor.h"

namespace ortbackend {

class DecryptorRegistry {
 public:
  // Loads every library of `settings` (FileDecryptor::Open). A library that
  // fails to load (missing, a missing symbol, another ABI version, options it
  // refuses) is kept with its error: the models that select it fail to load
  // with that error, and every other model serves. `failures` gets one
  // message per such library, for the log.
  static void Create(const DecryptorSettings& settings, std::unique_ptr<DecryptorRegistry>* out,
                     std::vector<std::string>* failures);

  // The decryptor registered as `name`; NotFound naming the registered
  // decryptors and how to register one when there is none, or the library's
  // load error when it could not be loaded.
  Status Find(const std::string& name, const FileDecryptor** out) const;

  bool empty() const { return decryptors_.empty(); }
  // protected-model-artifacts=allow
  bool allow_artifacts() const { return allow_artifacts_; }

 private:
  struct Entry {
    std::string name;
    std::unique_ptr<FileDecryptor> decryptor;  // null when it failed to load
    Status error;
  };
  std::vector<Entry> decryptors_;
  bool allow_artifacts_ = false;
};

}  // namespace ortbackend
