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
  // Loads every library of `settings` (FileDecryptor::Open); the first
  // failure fails the whole backend, so a misconfigured server does not
  // start half protected.
  static Status Create(const DecryptorSettings& settings, std::unique_ptr<DecryptorRegistry>* out);

  // The decryptor registered as `name`; NotFound naming the registered
  // decryptors and how to register one otherwise.
  Status Find(const std::string& name, const FileDecryptor** out) const;

  bool empty() const { return decryptors_.empty(); }
  // protected-model-artifacts=allow
  bool allow_artifacts() const { return allow_artifacts_; }

 private:
  std::vector<std::unique_ptr<FileDecryptor>> decryptors_;
  bool allow_artifacts_ = false;
};

}  // namespace ortbackend
