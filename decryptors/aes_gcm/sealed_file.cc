#include "sealed_file.h"

#include <cstring>

namespace ortb_aes_gcm {

bool ParseSealedFile(const uint8_t* data, size_t size, SealedFileView* out, std::string* error) {
  // The magic first: a short plain file should be called plain, not short.
  const size_t magic_seen = size < sizeof(kMagic) ? size : sizeof(kMagic);
  if (magic_seen == 0 || std::memcmp(data, kMagic, magic_seen) != 0) {
    *error = "not an encrypted file (it does not start with the ORTBGCM1 header; is it a plain model file?)";
    return false;
  }
  if (size < kOverheadBytes) {
    *error = "truncated encrypted file: " + std::to_string(size) + " bytes, fewer than the " +
             std::to_string(kOverheadBytes) + " of the header and tag alone";
    return false;
  }
  if (data[8] != kFormatVersion) {
    *error = "encrypted file format version " + std::to_string(data[8]) + " is not supported (this decryptor reads " +
             std::to_string(kFormatVersion) + ")";
    return false;
  }
  if (data[9] != 0 || data[10] != 0 || data[11] != 0) {
    *error = "corrupted encrypted file header (reserved bytes are not zero)";
    return false;
  }
  out->header = data;
  out->nonce = data + kNonceOffset;
  out->ciphertext = data + kHeaderBytes;
  out->ciphertext_size = size - kOverheadBytes;
  out->tag = data + size - kTagBytes;
  return true;
}

void WriteSealedHeader(const uint8_t* nonce, uint8_t* header) {
  std::memcpy(header, kMagic, sizeof(kMagic));
  header[8] = kFormatVersion;
  header[9] = header[10] = header[11] = 0;
  std::memcpy(header + kNonceOffset, nonce, kNonceBytes);
}

}  // namespace ortb_aes_gcm
