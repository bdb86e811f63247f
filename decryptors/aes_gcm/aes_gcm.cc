#include "aes_gcm.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>

namespace ortb_aes_gcm {
namespace {

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

std::string OpenSslError(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return what + " failed in OpenSSL: " + text;
}

// EVP's update functions take an int length: files over 2 GiB go in pieces.
constexpr size_t kPiece = size_t{1} << 30;

bool AddAad(EVP_CIPHER_CTX* ctx, bool encrypt, const uint8_t* header, const std::string& relative_path) {
  int n = 0;
  auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
  return update(ctx, nullptr, &n, header, static_cast<int>(kHeaderBytes)) == 1 &&
         update(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(relative_path.data()),
                static_cast<int>(relative_path.size())) == 1;
}

}  // namespace

Key::~Key() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

bool NewRandomKey(Key* key, std::string* error) {
  if (RAND_bytes(key->data(), static_cast<int>(kKeyBytes)) != 1) {
    *error = OpenSslError("generating a key");
    return false;
  }
  return true;
}

bool OpenSealedFile(const Key& key, const SealedFileView& file, const std::string& relative_path, uint8_t* plaintext,
                    std::string* error) {
  if (relative_path.size() > INT_MAX) {
    *error = "the file's path is too long";
    return false;
  }
  CipherContext ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), file.nonce) != 1 ||
      !AddAad(ctx.get(), false, file.header, relative_path)) {
    *error = OpenSslError("preparing AES-256-GCM decryption");
    return false;
  }
  for (size_t done = 0; done < file.ciphertext_size;) {
    const size_t piece = file.ciphertext_size - done < kPiece ? file.ciphertext_size - done : kPiece;
    int n = 0;
    if (EVP_DecryptUpdate(ctx.get(), plaintext + done, &n, file.ciphertext + done, static_cast<int>(piece)) != 1) {
      OPENSSL_cleanse(plaintext, file.ciphertext_size);
      *error = OpenSslError("AES-256-GCM decryption");
      return false;
    }
    done += piece;
  }
  // OpenSSL takes the expected tag through a non-const pointer but only reads it.
  int n = 0;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          const_cast<uint8_t*>(file.tag)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plaintext + file.ciphertext_size, &n) != 1) {
    // GCM gives plaintext before it checks the tag; none of it may be used.
    OPENSSL_cleanse(plaintext, file.ciphertext_size);
    ERR_clear_error();
    *error =
        "authentication failed (GCM tag mismatch): wrong key, or the file was modified, truncated or moved from "
        "another path";
    return false;
  }
  return true;
}

bool SealFile(const Key& key, const uint8_t* plaintext, size_t size, const std::string& relative_path,
              std::vector<uint8_t>* out, std::string* error) {
  uint8_t nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof(nonce)) != 1) {
    *error = OpenSslError("generating a nonce");
    return false;
  }
  out->assign(size + kOverheadBytes, 0);
  uint8_t* header = out->data();
  WriteSealedHeader(nonce, header);
  CipherContext ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) != 1 ||
      !AddAad(ctx.get(), true, header, relative_path)) {
    *error = OpenSslError("preparing AES-256-GCM encryption");
    return false;
  }
  uint8_t* ciphertext = header + kHeaderBytes;
  for (size_t done = 0; done < size;) {
    const size_t piece = size - done < kPiece ? size - done : kPiece;
    int n = 0;
    if (EVP_EncryptUpdate(ctx.get(), ciphertext + done, &n, plaintext + done, static_cast<int>(piece)) != 1) {
      *error = OpenSslError("AES-256-GCM encryption");
      return false;
    }
    done += piece;
  }
  int n = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), ciphertext + size, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), ciphertext + size) != 1) {
    *error = OpenSslError("finishing AES-256-GCM encryption");
    return false;
  }
  return true;
}

}  // namespace ortb_aes_gcm
