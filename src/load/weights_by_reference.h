#pragma once
// Makes ONNX Runtime read a decrypted model's inline weights from the
// decrypted buffer instead of from a protobuf copy of it. ORT parses a model
// given as bytes into a protobuf message first (a copy of every weight) and
// then copies each weight into its tensor; from a path it is faster. So the
// model is rewritten: each large initializer of the main graph that holds its
// data inline (raw_data) names instead, as external data, `location` at the
// data's offset in the decrypted buffer, and the buffer is handed to ORT as
// that in-memory file (AddExternalInitializersFromFilesInMemory). ORT then
// parses a message of the graph alone and copies each weight once.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/wiped_bytes.h"

namespace ortbackend {

// Writes the rewritten ModelProto of `model` to `out` and the number of
// initializers moved to `moved`. Initializers whose raw_data is shorter than
// `min_bytes`, already external, or in typed fields stay as they are. False
// (and `out` unspecified) when `model` is not a well-formed protobuf message.
bool ReferenceInlineWeights(const uint8_t* model, size_t size, const std::string& location, size_t min_bytes,
                            WipedBytes* out, size_t* moved);

}  // namespace ortbackend
