#pragma once
// What an .onnx file declares that ONNX Runtime's API does not expose: the IR
// version, producer version, opset imports and the size of the main graph's
// initializers. Read with a minimal protobuf wire-format reader over a
// read-only mapping of the file, so tensor data (raw_data) is skipped without
// being read and no protobuf library is needed.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace ortbackend {

struct OnnxOpsetImport {
  std::string domain;  // "" is the default ONNX domain (ai.onnx)
  int64_t version = 0;
};

struct OnnxFileSummary {
  uint64_t file_bytes = 0;
  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::string graph_name;
  std::vector<OnnxOpsetImport> opset_imports;

  // The main graph's initializers (dense and sparse). Sizes come from each
  // tensor's dims and element type (for strings: the summed string lengths),
  // so they count data held in external files too. Initializers of subgraphs
  // (If/Loop bodies) and Constant nodes' values are not counted.
  uint64_t initializer_count = 0;
  uint64_t sparse_initializer_count = 0;
  uint64_t initializer_bytes = 0;
  uint64_t external_initializer_bytes = 0;  // the part stored in external data files
  uint64_t unsized_initializer_count = 0;   // unknown element type or invalid dims: not in the bytes
};

// Reads `path` (an ONNX ModelProto). InvalidArgument when the file is not a
// well-formed protobuf message.
Status ReadOnnxFileSummary(const std::string& path, OnnxFileSummary* out);
// The same over the model's bytes in memory (a decrypted model); `path`
// names it in errors.
Status ReadOnnxFileSummary(const std::string& path, const uint8_t* data, size_t size, OnnxFileSummary* out);

}  // namespace ortbackend
