#include "load/file_decryptor.h"

#include <dlfcn.h>

#include <string.h>

#include <cstring>
#include <type_traits>

namespace ortbackend {
namespace {

// Overwrites `size` bytes; explicit_bzero (glibc) is a memset the compiler
// may not drop as a dead store, at memset's speed (a volatile byte loop took
// a second for a 400 MB model).
void Wipe(uint8_t* data, size_t size) { explicit_bzero(data, size); }

}  // namespace

PlaintextBuffer& PlaintextBuffer::operator=(PlaintextBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    size_ = other.size_;
    owner_ = other.owner_;
    other.data_ = nullptr;
    other.size_ = 0;
    other.owner_ = nullptr;
  }
  return *this;
}

void PlaintextBuffer::Release() {
  if (data_ == nullptr) return;
  Wipe(data_, size_);
  owner_->api_.free_plaintext(owner_->decryptor_, data_, size_);
  data_ = nullptr;
  size_ = 0;
}

Status FileDecryptor::Open(const std::string& name, const std::string& path, const std::vector<std::string>& options,
                           std::unique_ptr<FileDecryptor>* out) {
  const std::string what = "decryptor '" + name + "' (" + path + ")";
  std::unique_ptr<FileDecryptor> d(new FileDecryptor(name, path));
  // RTLD_LOCAL: the library's symbols stay its own (two decryptors may both
  // export the ABI's names).
  d->handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (d->handle_ == nullptr) {
    const char* e = dlerror();
    return Status::InvalidArgument("cannot load " + what + ": " + (e ? e : "unknown error"));
  }
  std::string missing;
  auto resolve = [&](const char* symbol, auto* fn) {
    void* p = dlsym(d->handle_, symbol);
    if (p == nullptr) missing += std::string(missing.empty() ? "" : ", ") + symbol;
    *fn = reinterpret_cast<std::remove_pointer_t<decltype(fn)>>(p);
  };
  resolve("ortb_decryptor_abi_version", &d->api_.abi_version);
  resolve("ortb_decryptor_create", &d->api_.create);
  resolve("ortb_decryptor_destroy", &d->api_.destroy);
  resolve("ortb_decryptor_decrypt", &d->api_.decrypt);
  resolve("ortb_decryptor_free", &d->api_.free_plaintext);
  resolve("ortb_decryptor_free_error", &d->api_.free_error);
  if (!missing.empty())
    return Status::InvalidArgument(what + " is not a decryptor library: it does not export " + missing +
                                   " (see triton_onnxruntime/decryptor.h)");
  const uint32_t version = d->api_.abi_version();
  if (version != ORTB_DECRYPTOR_ABI_VERSION)
    return Status::InvalidArgument(what + " was built for decryptor ABI version " + std::to_string(version) +
                                   ", but this backend implements version " +
                                   std::to_string(ORTB_DECRYPTOR_ABI_VERSION) +
                                   " (rebuild it against this backend's triton_onnxruntime/decryptor.h)");
  std::string option_text;
  for (const auto& o : options) option_text += o + "\n";
  char* error = nullptr;
  if (d->api_.create(option_text.c_str(), &d->decryptor_, &error) != 0 || d->decryptor_ == nullptr) {
    d->decryptor_ = nullptr;
    return Status::InvalidArgument(what + " refused its options: " + d->TakeError(error, "no reason given"));
  }
  *out = std::move(d);
  return Status::Ok();
}

FileDecryptor::~FileDecryptor() {
  if (decryptor_ != nullptr) api_.destroy(decryptor_);
  // Never dlclose: a library may leave thread-local destructors or atexit
  // handlers (OpenSSL's) behind that would then point into unmapped code.
}

std::string FileDecryptor::TakeError(char* error, const std::string& fallback) const {
  if (error == nullptr) return fallback;
  std::string message = error;
  if (api_.free_error != nullptr) api_.free_error(error);
  return message.empty() ? fallback : message;
}

Status FileDecryptor::Decrypt(const std::string& model_name, const std::string& relative_path, const uint8_t* data,
                              size_t size, PlaintextBuffer* out) const {
  uint8_t* plaintext = nullptr;
  size_t plaintext_size = 0;
  char* error = nullptr;
  const int rc = api_.decrypt(decryptor_, model_name.c_str(), relative_path.c_str(), data, size, &plaintext,
                              &plaintext_size, &error);
  if (rc != 0 || plaintext == nullptr) {
    if (plaintext != nullptr) api_.free_plaintext(decryptor_, plaintext, plaintext_size);
    return Status::InvalidArgument(
        TakeError(error, "the decryptor failed without a message (code " + std::to_string(rc) + ")"));
  }
  if (error != nullptr) api_.free_error(error);
  out->Release();
  out->data_ = plaintext;
  out->size_ = plaintext_size;
  out->owner_ = this;
  return Status::Ok();
}

}  // namespace ortbackend
