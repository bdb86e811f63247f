#pragma once
// Where the AES-256-GCM decryptor's key comes from, as the operator says in
// the decryptor's options (never in a model's config):
//   key-file=PATH  a file holding the key: 32 raw bytes, or 64 hex digits
//                  (a trailing newline is fine). A Kubernetes Secret mounted
//                  as a volume is such a file.
//   key-env=NAME   an environment variable holding 64 hex digits.
// Exactly one of them.

#include <string>

#include "aes_gcm.h"

namespace ortb_aes_gcm {

// Reads the key the option lines ("KEY=VALUE", '\n'-separated) point at.
// False with `error` (which never contains key bytes) on an unknown or
// missing option, an unreadable file, or a key of the wrong length.
bool LoadKey(const std::string& options, Key* key, std::string* error);

// Parses key text (the file's bytes, or the variable's value) into `key`.
bool ParseKeyText(const std::string& text, const std::string& where, Key* key, std::string* error);

}  // namespace ortb_aes_gcm
