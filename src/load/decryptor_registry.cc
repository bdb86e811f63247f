#include "load/decryptor_registry.h"

namespace ortbackend {

void DecryptorRegistry::Create(const DecryptorSettings& settings, std::unique_ptr<DecryptorRegistry>* out,
                               std::vector<std::string>* failures) {
  auto registry = std::make_unique<DecryptorRegistry>();
  registry->allow_artifacts_ = settings.allow_artifacts;
  for (const auto& spec : settings.decryptors) {
    Entry entry{spec.name, nullptr, Status::Ok()};
    entry.error = FileDecryptor::Open(spec.name, spec.library, spec.options, &entry.decryptor);
    if (!entry.error.ok()) failures->push_back(entry.error.message());
    registry->decryptors_.push_back(std::move(entry));
  }
  *out = std::move(registry);
}

Status DecryptorRegistry::Find(const std::string& name, const FileDecryptor** out) const {
  std::string known;
  for (const auto& e : decryptors_) {
    if (e.name == name) {
      if (!e.error.ok())
        return Status::InvalidArgument("parameter 'decryptor' names '" + name + "': " + e.error.message());
      *out = e.decryptor.get();
      return Status::Ok();
    }
    known += (known.empty() ? "" : ", ") + e.name;
  }
  return Status::NotFound(
      "parameter 'decryptor' names '" + name + "', which the server's operator has not registered (" +
      (known.empty() ? std::string("no decryptor is registered") : "registered: " + known) +
      "; the operator registers one with --backend-config=onnxruntime,decryptor=" + name + ":/path/to/library.so)");
}

}  // namespace ortbackend
