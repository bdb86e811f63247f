// The shipped decryptor: AES-256-GCM files (sealed_file.h) with the key from
// a file or an environment variable named by the operator (key_source.h).
// Implements include/triton_onnxruntime/decryptor.h and nothing else.

#include <sys/mman.h>

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

// Plaintext buffers of 2 MiB and more are anonymous mappings with transparent
// huge pages: a 400 MB model then takes 200 page faults to fill instead of
// 100000, which was most of what decryption added to a load. The mapping is
// aligned to 2 MiB (huge pages need it) by trimming an oversized one.
constexpr size_t kHugePage = size_t{2} << 20;

uint8_t* AllocatePlaintext(size_t size) {
  if (size < kHugePage) return static_cast<uint8_t*>(std::malloc(size > 0 ? size : 1));
  const size_t length = (size + kHugePage - 1) / kHugePage * kHugePage;
  void* p = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = start + length + kHugePage;
  if (end > aligned + length) munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);  // a hint: ignored where THP is off
  return reinterpret_cast<uint8_t*>(aligned);
}

void FreePlaintext(uint8_t* p, size_t size) {
  if (size < kHugePage)
    std::free(p);
  else
    munmap(p, (size + kHugePage - 1) / kHugePage * kHugePage);
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
  uint8_t* out = AllocatePlaintext(file.ciphertext_size);
  if (out == nullptr) return Fail(error, "out of memory for " + std::to_string(file.ciphertext_size) + " bytes");
  if (!ortb_aes_gcm::OpenSealedFile(decryptor->key, file, relative_path, out, &message)) {
    FreePlaintext(out, file.ciphertext_size);
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
  FreePlaintext(plaintext, plaintext_size);
}

__attribute__((visibility("default"))) void ortb_decryptor_free_error(char* error) { std::free(error); }

}  // extern "C"
