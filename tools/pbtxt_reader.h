#pragma once
// Reads a Triton model configuration in protobuf text format (config.pbtxt)
// into the JSON form the backend works on, the form the server hands the
// backend: messages as objects, repeated fields as lists (see
// pbtxt_fields.h), map entries as object members, enum values as strings.
//
// It reads the text format's syntax -- `#` comments, `field: value`,
// `field { ... }` or `field: { ... }` (or `< ... >`), `[a, b]` lists,
// repeating a field to append to it, quoted strings with escapes, numbers,
// bare identifiers -- without knowing model_config.proto beyond which fields
// repeat, so it does not reject unknown fields (the server does).

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace ortbackend {

// `where` names the text in error messages (a file path).
Status PbtxtToJson(const std::string& text, const std::string& where, nlohmann::json* out);

}  // namespace ortbackend
