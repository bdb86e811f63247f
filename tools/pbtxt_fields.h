#pragma once
// Which fields of Triton's model configuration (model_config.proto) are
// repeated and which are maps. Protobuf text format cannot tell a repeated
// field written once from a plain one, nor a map from a repeated message, so
// the reader and the writer of config.pbtxt look them up here.

#include <string>

namespace ortbackend {

// Repeated fields: their JSON form is a list even when written once.
bool IsRepeatedConfigField(const std::string& key);

// Map fields (`parameters { key: "k" value: { ... } }` entries): their JSON
// form is an object keyed by each entry's key.
bool IsMapConfigField(const std::string& key);

}  // namespace ortbackend
