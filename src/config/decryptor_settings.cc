#include "config/decryptor_settings.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace ortbackend {
namespace {

// A SAX handler that keeps the members of {"cmdline": {...}} (depth 2 of
// the top-level object) as they stream by, duplicates included.
class CmdlineCollector : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit CmdlineCollector(std::vector<std::pair<std::string, std::string>>* out) : out_(out) {}

  bool null() override { return Value("null"); }
  bool boolean(bool v) override { return Value(v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override { return Value(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Value(std::to_string(v)); }
  bool number_float(number_float_t v, const string_t& text) override { return Value(text); }
  bool string(string_t& v) override { return Value(v); }
  bool binary(binary_t&) override { return Value("<binary>"); }
  bool start_object(std::size_t) override { return Enter(); }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool key(string_t& k) override {
    if (depth_ == 1) in_cmdline_ = k == "cmdline";
    if (depth_ == 2) key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  bool Value(const std::string& v) {
    if (depth_ == 2 && in_cmdline_) out_->emplace_back(key_, v);
    return true;
  }
  bool Enter() {
    // A nested value of a cmdline member is recorded as a placeholder.
    if (depth_ == 2 && in_cmdline_) out_->emplace_back(key_, "<structured>");
    ++depth_;
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }

  std::vector<std::pair<std::string, std::string>>* out_;
  int depth_ = 0;
  bool in_cmdline_ = false;
  std::string key_;
  std::string error_;
};

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

bool IsDecryptorKey(const std::string& key) {
  return key == "decryptor" || key == "decryptor-option" || key == "protected-model-artifacts";
}

Status CmdlineEntries(const std::string& json_text, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  CmdlineCollector collector(out);
  if (!nlohmann::json::sax_parse(json_text, &collector))
    return Status::InvalidArgument("the backend config is not valid JSON: " + collector.error());
  return Status::Ok();
}

Status ParseDecryptorSettings(const std::vector<std::pair<std::string, std::string>>& entries,
                              DecryptorSettings* out) {
  *out = DecryptorSettings();
  std::vector<std::pair<std::string, std::string>> options;  // name, KEY=VALUE
  for (const auto& [key, value] : entries) {
    auto bad = [&](const std::string& expected) {
      return Status::InvalidArgument("backend config '" + key + "' has invalid value '" + value + "': expected " +
                                     expected);
    };
    const size_t colon = value.find(':');
    const std::string name = value.substr(0, colon);
    const std::string rest = colon == std::string::npos ? std::string() : value.substr(colon + 1);
    if (key == "decryptor") {
      if (colon == std::string::npos || !ValidName(name) || rest.empty())
        return bad("NAME:PATH (a name of letters, digits, '_', '-' or '.', and the decryptor library's path)");
      for (const auto& d : out->decryptors)
        if (d.name == name)
          return Status::InvalidArgument("backend config 'decryptor': the name '" + name +
                                         "' is registered twice (to " + d.library + " and " + rest + ")");
      out->decryptors.push_back({name, rest, {}});
    } else if (key == "decryptor-option") {
      if (colon == std::string::npos || !ValidName(name) || rest.find('=') == std::string::npos ||
          rest.front() == '=' || rest.find('\n') != std::string::npos)
        return bad("NAME:KEY=VALUE");
      options.emplace_back(name, rest);
    } else if (key == "protected-model-artifacts") {
      if (value != "allow" && value != "refuse") return bad("allow or refuse");
      out->allow_artifacts = value == "allow";
    }
  }
  for (const auto& [name, option] : options) {
    DecryptorSpec* spec = nullptr;
    for (auto& d : out->decryptors)
      if (d.name == name) spec = &d;
    if (spec == nullptr)
      return Status::InvalidArgument("backend config 'decryptor-option' names the decryptor '" + name +
                                     "', which no 'decryptor=" + name + ":PATH' registers");
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
