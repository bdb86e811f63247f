#pragma once
// AES-256-GCM over whole files in the sealed_file.h format, with OpenSSL's
// libcrypto (EVP): no cryptography of our own. Shared by the decryptor
// library and ort-encrypt-model.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sealed_file.h"

namespace ortb_aes_gcm {

constexpr size_t kKeyBytes = 32;

// A 256-bit key, overwritten (OPENSSL_cleanse) when it goes.
class Key {
 public:
  Key() = default;
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  ~Key();
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  std::array<uint8_t, kKeyBytes> bytes_{};
};

// Decrypts and authenticates `file` (a parsed sealed file) bound to
// `relative_path` into `plaintext` (file.ciphertext_size bytes, the caller's).
// False with the reason in `error` when the tag does not match: a wrong key,
// a modified or truncated file, or a file moved to another path. On failure
// `plaintext` is wiped.
bool OpenSealedFile(const Key& key, const SealedFileView& file, const std::string& relative_path, uint8_t* plaintext,
                    std::string* error);

// Encrypts `plaintext` for `relative_path` with a fresh random nonce into
// `out` (header, ciphertext, tag). False with `error` if OpenSSL fails.
bool SealFile(const Key& key, const uint8_t* plaintext, size_t size, const std::string& relative_path,
              std::vector<uint8_t>* out, std::string* error);

// Fills `key` with random bytes (RAND_bytes).
bool NewRandomKey(Key* key, std::string* error);

}  // namespace ortb_aes_gcm
