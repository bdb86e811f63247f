#pragma once
// Settings given with --backend-config=onnxruntime,KEY=VALUE, parsed from the
// backend-config JSON the server hands to TRITONBACKEND_Initialize.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "config/decryptor_settings.h"
#include "config/plugin_eps.h"

namespace ortbackend {

struct BackendSettings {
  bool enable_global_threadpool = false;
  int global_intra_op_threads = 0;  // 0: ORT's default
  int global_inter_op_threads = 0;
  int default_max_batch_size = 4;
  // ep-library=NAME:PATH, several separated by ';': plugin EP libraries
  // registered with ORT at backend initialize. (Triton 2.51 keeps only the
  // last value of a --backend-config key given twice, hence the list.)
  std::vector<EpLibrarySpec> ep_libraries;
  // The operator's decryptors (config/decryptor_settings.h).
  DecryptorSettings protection;
  std::vector<std::string> unknown_keys;

  std::string ToString() const;
};

// `config` is {"cmdline": {KEY: "VALUE", ...}} (possibly empty).
Status ParseBackendSettings(const nlohmann::json& config, BackendSettings* out);

}  // namespace ortbackend
