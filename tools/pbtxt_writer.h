#pragma once
// Writes a Triton model configuration held as JSON (the form the backend
// completes) in protobuf text format, as config.pbtxt files spell it:
// strings quoted, enum values (data_type, kind, format) bare, messages in
// braces, repeated messages in [ ]. Well-known keys come first in the order
// Triton's documentation uses (name, backend, max_batch_size, input, ...);
// others follow alphabetically.
//
// It covers what a completed ONNX config holds: messages, repeated messages,
// repeated scalars, strings, numbers, booleans, and map fields (`parameters`),
// written as one `{ key value }` entry per member.

#include <string>

#include <nlohmann/json.hpp>

namespace ortbackend {

std::string ConfigToPbtxt(const nlohmann::json& config);

}  // namespace ortbackend
