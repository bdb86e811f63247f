#include "pbtxt_writer.h"

#include "pbtxt_fields.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace ortbackend {
namespace {

// The order keys are written in; unlisted keys follow, alphabetically.
const char* const kKeyOrder[] = {"name",
                                 "platform",
                                 "backend",
                                 "kind",
                                 "count",
                                 "max_batch_size",
                                 "data_type",
                                 "format",
                                 "dims",
                                 "reshape",
                                 "shape",
                                 "optional",
                                 "input",
                                 "output",
                                 "dynamic_batching",
                                 "sequence_batching",
                                 "instance_group"};

// Fields whose values are protobuf enums, written without quotes.
bool IsEnumField(const std::string& key) { return key == "data_type" || key == "kind" || key == "format"; }

size_t Rank(const std::string& key) {
  const auto* end = std::end(kKeyOrder);
  return static_cast<size_t>(std::find(std::begin(kKeyOrder), end, key) - std::begin(kKeyOrder));
}

std::vector<std::string> OrderedKeys(const nlohmann::json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  std::stable_sort(keys.begin(), keys.end(),
                   [](const std::string& a, const std::string& b) { return Rank(a) < Rank(b); });
  return keys;  // json objects iterate alphabetically, so equal ranks stay alphabetical
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Scalar(const std::string& key, const nlohmann::json& v) {
  if (v.is_string()) return IsEnumField(key) ? v.get<std::string>() : Quote(v.get<std::string>());
  return v.dump();  // numbers and booleans are spelled the same in both formats
}

bool IsMessage(const nlohmann::json& v) { return v.is_object(); }
bool IsMessageList(const nlohmann::json& v) {
  return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), IsMessage);
}

void WriteFields(const nlohmann::json& object, int depth, std::string* out);

void WriteMessageBody(const nlohmann::json& object, int depth, std::string* out) {
  if (object.empty()) {
    *out += "{ }";
    return;
  }
  *out += "{\n";
  WriteFields(object, depth + 1, out);
  *out += std::string(2 * depth, ' ') + "}";
}

void WriteFields(const nlohmann::json& object, int depth, std::string* out) {
  const std::string indent(2 * depth, ' ');
  for (const auto& key : OrderedKeys(object)) {
    const nlohmann::json& v = object[key];
    if (v.is_null()) continue;
    if (IsMapConfigField(key) && v.is_object()) {
      // One `key { key: K value ... }` entry per member.
      for (auto it = v.begin(); it != v.end(); ++it) {
        *out += indent + key + " ";
        WriteMessageBody(nlohmann::json{{"key", it.key()}, {"value", it.value()}}, depth, out);
        *out += "\n";
      }
      continue;
    }
    *out += indent + key;
    if (IsMessage(v)) {
      *out += " ";
      WriteMessageBody(v, depth, out);
    } else if (IsMessageList(v)) {
      *out += " [\n";
      for (size_t i = 0; i < v.size(); ++i) {
        *out += indent + "  ";
        WriteMessageBody(v[i], depth + 1, out);
        *out += i + 1 < v.size() ? ",\n" : "\n";
      }
      *out += indent + "]";
    } else if (v.is_array()) {
      *out += ": [";
      for (size_t i = 0; i < v.size(); ++i) *out += (i ? ", " : " ") + Scalar(key, v[i]);
      *out += " ]";
    } else {
      *out += ": " + Scalar(key, v);
    }
    *out += "\n";
  }
}

}  // namespace

std::string ConfigToPbtxt(const nlohmann::json& config) {
  std::string out;
  if (config.is_object()) WriteFields(config, 0, &out);
  return out;
}

}  // namespace ortbackend
