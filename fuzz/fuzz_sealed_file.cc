// Fuzzes what the backend and the shipped decryptor read from an encrypted
// model before any key is used: the AES-256-GCM decryptor's file format
// (decryptors/aes_gcm/sealed_file.h) and, over the same bytes taken as a
// decrypted model.onnx, the scan for external-data locations
// (load/decrypted_model.h) that decides which further files are decrypted.
//
// Input: any bytes, copied into a heap block of exactly their size (so ASan
// sees a read one past the end).
//
// Checked:
//  - ParseSealedFile accepts exactly what a reference accepts: at least 40
//    bytes, the ORTBGCM1 magic, version 1, reserved bytes zero; on success
//    the parts tile the input (header at 0, ciphertext at 24 of size - 40,
//    tag in the last 16 bytes); on failure the error is not empty;
//  - ExternalDataLocations never crashes and lists each location once;
//  - ReferenceInlineWeights (load/weights_by_reference.h) never crashes, and
//    what it writes is well-formed again, naming its in-memory file exactly
//    when it moved an initializer there.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "load/decrypted_model.h"
#include "load/weights_by_reference.h"
#include "sealed_file.h"

using ortbackend_fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
  if (size) std::memcpy(copy.get(), data, size);
  const uint8_t* bytes = size ? copy.get() : nullptr;

  ortb_aes_gcm::SealedFileView view;
  std::string error;
  const bool parsed = ortb_aes_gcm::ParseSealedFile(bytes, size, &view, &error);
  const bool reference = size >= ortb_aes_gcm::kOverheadBytes &&
                         std::memcmp(bytes, ortb_aes_gcm::kMagic, sizeof(ortb_aes_gcm::kMagic)) == 0 &&
                         bytes[8] == ortb_aes_gcm::kFormatVersion && bytes[9] == 0 && bytes[10] == 0 && bytes[11] == 0;
  Require(parsed == reference, "ParseSealedFile disagrees with the reference: " + error);
  if (parsed) {
    Require(view.header == bytes && view.nonce == bytes + 12 && view.ciphertext == bytes + 24 &&
                view.ciphertext_size == size - ortb_aes_gcm::kOverheadBytes && view.tag == bytes + size - 16,
            "the parts of a sealed file do not tile it");
  } else {
    Require(!error.empty(), "a refused sealed file without a reason");
  }

  std::vector<std::string> locations;
  const bool scanned = ortbackend::ExternalDataLocations(bytes, size, &locations);
  if (scanned) {
    std::set<std::string> distinct(locations.begin(), locations.end());
    Require(distinct.size() == locations.size(), "a location listed twice");
  }
  ortbackend::WipedBytes rewritten;
  size_t moved = 0;
  // As the backend does: only a model whose scan succeeded is rewritten.
  if (scanned && ortbackend::ReferenceInlineWeights(bytes, size, "fuzz-self", 4, &rewritten, &moved)) {
    std::vector<std::string> after;
    Require(ortbackend::ExternalDataLocations(rewritten.data(), rewritten.size(), &after),
            "the rewritten model is not well-formed");
    Require((std::find(after.begin(), after.end(), "fuzz-self") != after.end()) == (moved > 0) ||
                std::find(locations.begin(), locations.end(), "fuzz-self") != locations.end(),
            "the rewritten model names its in-memory file iff an initializer moved");
  }
  return 0;
}
