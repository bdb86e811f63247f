#include "config/json_read.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace ortbackend {

bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || end != s.c_str() + s.size()) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

bool ParseUint64(const std::string& s, uint64_t* out) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno == ERANGE || end != s.c_str() + s.size()) return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

bool ParseBool(const std::string& s, bool* out) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "1" || l == "true") {
    *out = true;
    return true;
  }
  if (l == "0" || l == "false") {
    *out = false;
    return true;
  }
  return false;
}

Status ReadInt64(const nlohmann::json& j, const std::string& what, int64_t* out) {
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return Status::InvalidArgument(what + " must be an integer, got " + j.dump() + ", which is out of range");
  if (j.is_number_integer()) {
    *out = j.get<int64_t>();
    return Status::Ok();
  }
  if (j.is_string() && ParseInt64(j.get<std::string>(), out)) return Status::Ok();
  return Status::InvalidArgument(what + " must be an integer, got " + j.dump());
}

std::string StringMember(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace ortbackend
