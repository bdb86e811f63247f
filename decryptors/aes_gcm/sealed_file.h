#pragma once
// The file format of the shipped AES-256-GCM decryptor: what one encrypted
// file holds, parsed and written without any cryptography (so the parser can
// be fuzzed on its own). All integers are little-endian.
//
//   offset  size  field
//   0       8     magic "ORTBGCM1"
//   8       1     format version (1)
//   9       3     reserved, zero
//   12      12    nonce (random, one per file and encryption)
//   24      n     ciphertext (as long as the plaintext)
//   24+n    16    GCM authentication tag
//
// The authenticated data (AAD) is the 24-byte header followed by the file's
// path relative to the model's version directory, so a file moved to another
// place of the model (model.onnx swapped with its weights) fails
// authentication like a modified one.
//
// One GCM stream per file keeps the format simple, but it decrypts on one
// core (1.7 GB/s here: 0.25 s per 400 MB). A version 2 that seals
// fixed-size segments on their own (a nonce prefix and the segment index,
// the last segment marked in its AAD, as in the STREAM construction) would
// let the backend decrypt on every core and release the plaintext earlier.

#include <cstddef>
#include <cstdint>
#include <string>

namespace ortb_aes_gcm {

constexpr char kMagic[8] = {'O', 'R', 'T', 'B', 'G', 'C', 'M', '1'};
constexpr uint8_t kFormatVersion = 1;
constexpr size_t kHeaderBytes = 24;
constexpr size_t kNonceOffset = 12;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kOverheadBytes = kHeaderBytes + kTagBytes;

// The parts of an encrypted file, pointing into the caller's bytes.
struct SealedFileView {
  const uint8_t* header = nullptr;  // kHeaderBytes
  const uint8_t* nonce = nullptr;   // kNonceBytes
  const uint8_t* ciphertext = nullptr;
  size_t ciphertext_size = 0;
  const uint8_t* tag = nullptr;  // kTagBytes
};

// Splits `data` into its parts. On failure returns false and says why in
// `error` (too short, not this format, an unknown version, reserved bytes
// set). Nothing is read outside [data, data + size).
bool ParseSealedFile(const uint8_t* data, size_t size, SealedFileView* out, std::string* error);

// Writes the header of a file with `nonce` (kNonceBytes) into `header`
// (kHeaderBytes).
void WriteSealedHeader(const uint8_t* nonce, uint8_t* header);

}  // namespace ortb_aes_gcm
