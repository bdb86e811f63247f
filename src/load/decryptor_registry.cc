#include "load/decryptor_registry.h"

namespace ortbackend {

Status DecryptorRegistry::Create(const DecryptorSettings& settings, std::unique_ptr<DecryptorRegistry>* out) {
  auto registry = std::make_unique<DecryptorRegistry>();
  registry->allow_artifacts_ = settings.allow_artifacts;
  for (const auto& spec : settings.decryptors) {
    std::unique_ptr<FileDecryptor> d;
    ORTB_RETURN_IF_ERROR(FileDecryptor::Open(spec.name, spec.library, spec.options, &d));
    registry->decryptors_.push_back(std::move(d));
  }
  *out = std::move(registry);
  return Status::Ok();
}

Status DecryptorRegistry::Find(const std::string& name, const FileDecryptor** out) const {
  std::string known;
  for (const auto& d : decryptors_) {
    if (d->name() == name) {
      *out = d.get();
      return Status::Ok();
    }
    known += (known.empty() ? "" : ", ") + d->name();
  }
  return Status::NotFound("parameter 'decryptor' names '" + name + "', which the server's operator has not registered (" +
                          (known.empty() ? std::string("no decryptor is registered") : "registered: " + known) +
                          "; the operator registers one with --backend-config=onnxruntime,decryptor=" + name +
                          ":/path/to/library.so)");
}

}  // namespace ortbackend
