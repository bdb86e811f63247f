#pragma once
// The operator's decryptors (docs/model_protection.md), from the backend
// config:
//   decryptor=NAME:PATH                 a decryptor library registered as NAME
//   decryptor-option=NAME:KEY=VALUE     an option for it (a key file, ...)
//   decryptor.NAME=PATH                 the same, one key per decryptor
//   decryptor-option.NAME.KEY=VALUE     the same, one key per option
//   protected-model-artifacts=allow     let encrypted models use features that
//                                       write model artefacts to disk
// The server keeps only the last value of a --backend-config key given twice,
// so a second decryptor, or a second option, needs the dotted spelling.
// Plain data: nothing here loads a library (load/decryptor_registry.h does).

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ortbackend {

struct DecryptorSpec {
  std::string name;
  std::string library;
  // "KEY=VALUE", in the order given.
  std::vector<std::string> options;
};

struct DecryptorSettings {
  std::vector<DecryptorSpec> decryptors;
  // protected-model-artifacts=allow: the operator accepts that an encrypted
  // model's optimized graph, profile or provider caches reach the disk.
  bool allow_artifacts = false;
};

// Whether `key` is one of the keys above (so ParseBackendSettings does not
// warn about it).
bool IsDecryptorKey(const std::string& key);

// Reads the decryptor keys among the backend config's `entries` (other keys
// are skipped). InvalidArgument, naming the key and value, for a malformed
// value, a name registered twice, or an option for a name that is not
// registered.
Status ParseDecryptorSettings(const std::vector<std::pair<std::string, std::string>>& entries, DecryptorSettings* out);

// " decryptors=NAME:PATH,..." for the settings log line ("" when there are
// none). Options are left out: they are the operator's, not the log's.
std::string DecryptorsToString(const DecryptorSettings& settings);

}  // namespace ortbackend
