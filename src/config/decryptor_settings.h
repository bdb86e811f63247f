#pragma once
// The operator's decryptors (docs/model_protection.md), from the backend
// config:
//   decryptor=NAME:PATH                a decryptor library registered as NAME
//   decryptor-option=NAME:KEY=VALUE    an option for it (a key file, ...)
//   protected-model-artifacts=allow    let encrypted models use features that
//                                      write model artefacts to disk
// Both decryptor keys repeat, and the server hands the backend config over as
// a JSON object with one member per --backend-config, so a key given twice
// appears twice in the text: CmdlineEntries reads every one, in order, where
// a JSON library would keep only the last.
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

// Every member of the backend config's "cmdline" object, duplicates
// included, in the order of `json_text`. String values as they are, other
// values as JSON text. InvalidArgument when the text is not JSON.
Status CmdlineEntries(const std::string& json_text, std::vector<std::pair<std::string, std::string>>* out);

// Reads the decryptor keys among `entries` (other keys are skipped).
// InvalidArgument, naming the key and value, for a malformed value, a name
// registered twice, or an option for a name that is not registered.
Status ParseDecryptorSettings(const std::vector<std::pair<std::string, std::string>>& entries,
                              DecryptorSettings* out);

// " decryptors=NAME:PATH,..." for the settings log line ("" when there are
// none). Options are left out: they are the operator's, not the log's.
std::string DecryptorsToString(const DecryptorSettings& settings);

}  // namespace ortbackend
