// The shipped decryptor: AES-256-GCM files (sealed_file.h) with the key from
// a file or an environment variable named by the operator (key_source.h).
// Implements include/triton_onnxruntime/decryptor.h and nothing else.

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <openssl/crypto.h>

#include "aes_gcm.h"
#include "key_source.h"
#include "sealed_file.h"
#include "triton_onnxruntime/decryptor.h"

struct OrtbDecryptor {
  ortb_aes_gcm::Key key;
};

namespace {

char* CopyError(const std::string& message) {
  char* copy = static_cast<char*>(std::malloc(message.size() + 1));
  if (copy != nullptr) std::memcpy(copy, message.c_str(), message.size() + 1);
  return copy;
}

int Fail(char** error, const std::string& message) {
  if (error != nullptr) *error = CopyError(message);
  return 1;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) uint32_t ortb_decryptor_abi_version(void) { return ORTB_DECRYPTOR_ABI_VERSION; }

__attribute__((visibility("default"))) int ortb_decryptor_create(const char* options, OrtbDecryptor** out,
                                                                 char** error) {
  auto* decryptor = new (std::nothrow) OrtbDecryptor();
  if (decryptor == nullptr) return Fail(error, "out of memory");
  std::string message;
  if (!ortb_aes_gcm::LoadKey(options != nullptr ? options : "", &decryptor->key, &message)) {
    delete decryptor;
    return Fail(error, message);
  }
  *out = decryptor;
  return 0;
}

__attribute__((visibility("default"))) void ortb_decryptor_destroy(OrtbDecryptor* decryptor) { delete decryptor; }

__attribute__((visibility("default"))) int ortb_decryptor_decrypt(OrtbDecryptor* decryptor, const char* model_name,
                                                                  const char* relative_path, const uint8_t* data,
                                                                  size_t size, uint8_t** plaintext,
                                                                  size_t* plaintext_size, char** error) {
  ortb_aes_gcm::SealedFileView file;
  std::string message;
  if (!ortb_aes_gcm::ParseSealedFile(data, size, &file, &message)) return Fail(error, message);
  // malloc(0) may return null; one byte keeps "null means failure" true. (Huge
  // pages were tried: no faster here, and with the kernel's defrag=madvise a
  // fault may stall on memory compaction.)
  auto* out = static_cast<uint8_t*>(std::malloc(file.ciphertext_size > 0 ? file.ciphertext_size : 1));
  if (out == nullptr) return Fail(error, "out of memory for " + std::to_string(file.ciphertext_size) + " bytes");
  if (!ortb_aes_gcm::OpenSealedFile(decryptor->key, file, relative_path, out, &message)) {
    std::free(out);
    return Fail(error, message);
  }
  *plaintext = out;
  *plaintext_size = file.ciphertext_size;
  return 0;
}

__attribute__((visibility("default"))) void ortb_decryptor_free(OrtbDecryptor* decryptor, uint8_t* plaintext,
                                                                size_t plaintext_size) {
  // The backend has overwritten it already (decryptor.h); wiping 400 MB twice
  // would only cost load time.
  std::free(plaintext);
}

__attribute__((visibility("default"))) void ortb_decryptor_free_error(char* error) { std::free(error); }

}  // extern "C"
