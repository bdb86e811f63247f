#include "key_source.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace ortb_aes_gcm {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Key text lives in std::strings on the way in; they are wiped before they go.
struct WipedString {
  std::string text;
  ~WipedString() {
    if (!text.empty()) OPENSSL_cleanse(&text[0], text.size());
  }
};

}  // namespace

bool ParseKeyText(const std::string& text, const std::string& where, Key* key, std::string* error) {
  if (text.size() == kKeyBytes) {
    for (size_t i = 0; i < kKeyBytes; ++i) key->data()[i] = static_cast<uint8_t>(text[i]);
    return true;
  }
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ')) --end;
  if (end == 2 * kKeyBytes) {
    bool hex = true;
    for (size_t i = 0; i < kKeyBytes && hex; ++i) {
      const int hi = HexValue(text[2 * i]), lo = HexValue(text[2 * i + 1]);
      if (hi < 0 || lo < 0)
        hex = false;
      else
        key->data()[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    if (hex) return true;
  }
  *error = where + " does not hold a 256-bit key: expected 32 raw bytes or 64 hex digits, found " +
           std::to_string(text.size()) + " bytes";
  return false;
}

bool LoadKey(const std::string& options, Key* key, std::string* error) {
  std::string key_file, key_env;
  std::istringstream lines(options);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    const std::string name = line.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : line.substr(eq + 1);
    if (name == "key-file") {
      key_file = value;
    } else if (name == "key-env") {
      key_env = value;
    } else {
      *error = "unknown option '" + name + "' (the AES-256-GCM decryptor takes key-file=PATH or key-env=NAME)";
      return false;
    }
  }
  if (key_file.empty() == key_env.empty()) {
    *error = "give exactly one of the options key-file=PATH and key-env=NAME";
    return false;
  }
  WipedString text;
  if (!key_file.empty()) {
    std::ifstream in(key_file, std::ios::binary);
    if (!in) {
      *error = "cannot read the key file '" + key_file + "'";
      return false;
    }
    text.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return ParseKeyText(text.text, "the key file '" + key_file + "'", key, error);
  }
  const char* value = std::getenv(key_env.c_str());
  if (value == nullptr) {
    *error = "the environment variable '" + key_env + "' (key-env) is not set";
    return false;
  }
  text.text = value;
  return ParseKeyText(text.text, "the environment variable '" + key_env + "'", key, error);
}

}  // namespace ortb_aes_gcm
