#include "config/decryptor_settings.h"

#include <cctype>

namespace ortbackend {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

bool IsDecryptorKey(const std::string& key) {
  return key == "decryptor" || key == "decryptor-option" || key == "protected-model-artifacts" ||
         key.rfind("decryptor.", 0) == 0 || key.rfind("decryptor-option.", 0) == 0;
}

Status ParseDecryptorSettings(const std::vector<std::pair<std::string, std::string>>& entries, DecryptorSettings* out) {
  *out = DecryptorSettings();
  std::vector<std::pair<std::string, std::string>> options;  // name, KEY=VALUE
  for (const auto& entry : entries) {
    // Named references, not a structured binding: C++17 lets no lambda
    // capture a binding (clang refuses it).
    const std::string& key = entry.first;
    const std::string& value = entry.second;
    auto bad = [&](const std::string& expected) {
      return Status::InvalidArgument("backend config '" + key + "' has invalid value '" + value + "': expected " +
                                     expected);
    };
    // Both spellings as NAME and the rest: "decryptor=NAME:PATH" or
    // "decryptor.NAME=PATH"; "decryptor-option=NAME:KEY=VALUE" or
    // "decryptor-option.NAME.KEY=VALUE".
    std::string name, rest;
    bool split = false;
    if (key == "decryptor" || key == "decryptor-option") {
      const size_t colon = value.find(':');
      split = colon != std::string::npos;
      name = value.substr(0, colon);
      if (split) rest = value.substr(colon + 1);
    } else if (key.rfind("decryptor.", 0) == 0) {
      name = key.substr(10);
      rest = value;
      split = true;
    } else if (key.rfind("decryptor-option.", 0) == 0) {
      const std::string tail = key.substr(17);
      const size_t dot = tail.find('.');
      split = dot != std::string::npos;
      name = tail.substr(0, dot);
      if (split) rest = tail.substr(dot + 1) + "=" + value;
    } else if (key == "protected-model-artifacts") {
      if (value != "allow" && value != "refuse") return bad("allow or refuse");
      out->allow_artifacts = value == "allow";
      continue;
    } else {
      continue;
    }
    const std::string name_rule = "a name of letters, digits, '_' or '-'";
    if (key.rfind("decryptor-option", 0) == 0) {
      if (!split || !ValidName(name) || rest.find('=') == std::string::npos || rest.front() == '=' ||
          rest.find('\n') != std::string::npos)
        return bad(key == "decryptor-option" ? "NAME:KEY=VALUE (" + name_rule + ")"
                                             : "a key decryptor-option.NAME.KEY (" + name_rule + ")");
      options.emplace_back(name, rest);
      continue;
    }
    if (!split || !ValidName(name) || rest.empty())
      return bad(key == "decryptor" ? "NAME:PATH (" + name_rule + ", and the decryptor library's path)"
                                    : "a key decryptor.NAME (" + name_rule + ") and the library's path");
    for (const auto& d : out->decryptors)
      if (d.name == name)
        return Status::InvalidArgument("backend config '" + key + "': the name '" + name +
                                       "' is registered twice (to " + d.library + " and " + rest + ")");
    out->decryptors.push_back({name, rest, {}});
  }
  for (const auto& [name, option] : options) {
    DecryptorSpec* spec = nullptr;
    for (auto& d : out->decryptors)
      if (d.name == name) spec = &d;
    if (spec == nullptr)
      return Status::InvalidArgument("backend config: an option for the decryptor '" + name + "' (" +
                                     option.substr(0, option.find('=')) + "), which no 'decryptor=" + name +
                                     ":PATH' or 'decryptor." + name + "=PATH' registers");
    spec->options.push_back(option);
  }
  return Status::Ok();
}

std::string DecryptorsToString(const DecryptorSettings& settings) {
  if (settings.decryptors.empty()) return "";
  std::string text = " decryptors=";
  for (size_t i = 0; i < settings.decryptors.size(); ++i)
    text += (i ? "," : "") + settings.decryptors[i].name + ":" + settings.decryptors[i].library;
  return text + (settings.allow_artifacts ? " protected-model-artifacts=allow" : "");
}

}  // namespace ortbackend
