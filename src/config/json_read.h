#pragma once
// Reading typed values out of model-config JSON. Triton serializes 64-bit
// integers (dims, max_batch_size in some versions) either as JSON numbers or as
// strings, so every integer read accepts both.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace ortbackend {

// Reads `j` (a number or a decimal string) as int64; `what` names it in errors.
Status ReadInt64(const nlohmann::json& j, const std::string& what, int64_t* out);
// Parses a whole decimal string as int64 (no trailing junk, no overflow).
bool ParseInt64(const std::string& s, int64_t* out);
// Parses a whole decimal string as uint64 (no sign, no trailing junk, no overflow).
bool ParseUint64(const std::string& s, uint64_t* out);
// "1"/"true"/"0"/"false" (any case); false when it is none of these.
bool ParseBool(const std::string& s, bool* out);
// Member `key` of object `j` as a string, or "" when absent.
std::string StringMember(const nlohmann::json& j, const char* key);

}  // namespace ortbackend
