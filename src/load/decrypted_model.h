#pragma once
// One encrypted model, decrypted in memory for one session: its model file
// and every external-data file the model names, each in the decryptor's
// buffer. Nothing is written to disk. The buffers are wiped and handed back
// to the decryptor when this object goes, which the caller does as soon as
// ONNX Runtime has made its session (it keeps its own copy of what it needs).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/wiped_bytes.h"
#include "load/file_decryptor.h"
#include "load/model_path.h"

namespace ortbackend {

class DecryptedModel {
 public:
  // A file ONNX Runtime reads from memory, under the name the model gives it.
  struct ExternalFile {
    std::string location;  // as the model names it (TensorProto external_data "location")
    const uint8_t* data;
    size_t size;
  };

  // Reads and decrypts `file` and then each external-data file its tensors
  // name (beside it), with `decryptor`. Errors name the file and the reason:
  // "cannot decrypt <path> with decryptor '<name>': <the decryptor's message>",
  // an external-data location outside the model's directory, a file that
  // cannot be read. The model ORT is given is rewritten so that its large
  // inline weights are read from the decrypted buffer
  // (load/weights_by_reference.h).
  static Status Read(const FileDecryptor& decryptor, const std::string& model_name, const ModelFile& file,
                     std::unique_ptr<DecryptedModel>* out);

  // The decrypted model.onnx, as in the file.
  const PlaintextBuffer& model() const { return model_; }
  // What ORT parses: the rewritten model (or model() when nothing moved).
  const uint8_t* session_model() const { return graph_.empty() ? model_.data() : graph_.data(); }
  size_t session_model_size() const { return graph_.empty() ? model_.size() : graph_.size(); }
  // The in-memory files ORT reads: the external-data files and, when weights
  // moved, the decrypted model.onnx itself.
  const std::vector<ExternalFile>& external() const { return external_; }
  uint64_t bytes() const;

 private:
  PlaintextBuffer model_;
  std::vector<PlaintextBuffer> files_;  // the external-data files' plaintext
  WipedBytes graph_;
  std::vector<ExternalFile> external_;
};

// The distinct external-data locations named by the tensors of an ONNX
// model's bytes (initializers and node attributes, subgraphs included), in
// order of first appearance. False when the bytes are not a well-formed
// protobuf message.
bool ExternalDataLocations(const uint8_t* data, size_t size, std::vector<std::string>* out);

// The path a decryptor is given for `path` (a file of the model whose main
// file is `file`): relative to the version directory, '/'-separated --
// "model.onnx", or "model.onnx/weights.bin" for a model directory.
std::string RelativeModelPath(const ModelFile& file, const std::string& path);

}  // namespace ortbackend
