#include "config/backend_settings.h"

#include "config/json_read.h"

namespace ortbackend {
namespace {

// Keys the server itself adds for every backend; not ours to warn about.
bool IsServerKey(const std::string& k) {
  return k == "auto-complete-config" || k == "backend-directory" || k == "min-compute-capability";
}

constexpr char kEpLibraryKey[] = "ep-library";

std::string EpLibrariesText(const std::vector<EpLibrarySpec>& libraries) {
  std::string out;
  for (const EpLibrarySpec& lib : libraries) out += " ep-library=" + lib.name + ":" + lib.path;
  return out;
}

}  // namespace

Status ParseBackendSettings(const nlohmann::json& config, BackendSettings* out) {
  *out = BackendSettings();
  if (!config.is_object()) return Status::Ok();
  auto cmd = config.find("cmdline");
  if (cmd == config.end() || !cmd->is_object()) return Status::Ok();
  std::vector<std::pair<std::string, std::string>> entries;
  for (auto it = cmd->begin(); it != cmd->end(); ++it) {
    const std::string& key = it.key();
    const std::string value = it->is_string() ? it->get<std::string>() : it->dump();
    entries.emplace_back(key, value);
    auto bad = [&](const std::string& expected) {
      return Status::InvalidArgument("backend config '" + key + "' has invalid value '" + value + "': expected " +
                                     expected);
    };
    int64_t n;
    bool b;
    if (key == "enable-global-threadpool") {
      if (!ParseBool(value, &b)) return bad("0 or 1");
      out->enable_global_threadpool = b;
    } else if (key == "intra_op_thread_count") {
      if (!ParseInt64(value, &n) || n < 0 || n > 4096) return bad("an integer in [0, 4096]");
      out->global_intra_op_threads = static_cast<int>(n);
    } else if (key == "inter_op_thread_count") {
      if (!ParseInt64(value, &n) || n < 0 || n > 4096) return bad("an integer in [0, 4096]");
      out->global_inter_op_threads = static_cast<int>(n);
    } else if (key == "default-max-batch-size") {
      if (!ParseInt64(value, &n) || n < 0 || n > (1 << 30)) return bad("a non-negative integer");
      out->default_max_batch_size = static_cast<int>(n);
    } else if (key == kEpLibraryKey) {
      ORTB_RETURN_IF_ERROR(ParseEpLibraryList("backend config 'ep-library'", value, &out->ep_libraries));
    } else if (!IsServerKey(key) && !IsDecryptorKey(key)) {
      out->unknown_keys.push_back(key);
    }
  }
  return ParseDecryptorSettings(entries, &out->protection);
}

std::string BackendSettings::ToString() const {
  return "enable-global-threadpool=" + std::to_string(enable_global_threadpool) +
         " intra_op_thread_count=" + std::to_string(global_intra_op_threads) +
         " inter_op_thread_count=" + std::to_string(global_inter_op_threads) +
         " default-max-batch-size=" + std::to_string(default_max_batch_size) + EpLibrariesText(ep_libraries) +
         DecryptorsToString(protection);
}

}  // namespace ortbackend
