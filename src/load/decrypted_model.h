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
#include "load/file_decryptor.h"
#include "load/model_path.h"

namespace ortbackend {

class DecryptedModel {
 public:
  struct ExternalFile {
    std::string location;  // as the model names it (TensorProto external_data "location")
    PlaintextBuffer bytes;
  };

  // Reads and decrypts `file` and then each external-data file its tensors
  // name (beside it), with `decryptor`. Errors name the file and the reason:
  // "cannot decrypt <path> with decryptor '<name>': <the decryptor's message>",
  // an external-data location outside the model's directory, a file that
  // cannot be read.
  static Status Read(const FileDecryptor& decryptor, const std::string& model_name, const ModelFile& file,
                     std::unique_ptr<DecryptedModel>* out);

  const PlaintextBuffer& model() const { return model_; }
  const std::vector<ExternalFile>& external() const { return external_; }
  uint64_t bytes() const;

 private:
  PlaintextBuffer model_;
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
