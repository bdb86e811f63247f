#include "config/model_settings.h"

#include <algorithm>
#include <limits>

#include "config/json_read.h"

namespace ortbackend {
namespace {

Status BadValue(const std::string& key, const std::string& value, const std::string& expected) {
  return Status::InvalidArgument("parameter '" + key + "' has invalid value '" + value + "': expected " + expected);
}

Status ParseIntIn(const std::string& key, const std::string& value, int64_t lo, int64_t hi, int64_t* out) {
  if (!ParseInt64(value, out) || *out < lo || *out > hi)
    return BadValue(key, value, "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return Status::Ok();
}

Status ParseBoolKey(const std::string& key, const std::string& value, bool* out) {
  if (!ParseBool(value, out)) return BadValue(key, value, "0, 1, true or false");
  return Status::Ok();
}

// ORT's value is a ';'-separated list of "device:id" (cpu:0, gpu:1, ...).
Status ParseArenaShrinkage(const std::string& key, const std::string& value, std::string* out) {
  bool b;
  if (ParseBool(value, &b)) {
    *out = b ? "cpu:0" : "";
    return Status::Ok();
  }
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = std::min(value.find(';', start), value.size());
    const std::string item = value.substr(start, end - start);
    const size_t colon = item.find(':');
    int64_t id;
    const std::string device = colon == std::string::npos ? "" : item.substr(0, colon);
    if ((device != "cpu" && device != "gpu") || !ParseInt64(item.substr(colon + 1), &id) || id < 0)
      return BadValue(key, value, "0, 1, or a list of devices such as \"cpu:0\" or \"cpu:0;gpu:0\"");
    start = end + 1;
  }
  *out = value;
  return Status::Ok();
}

Status ParseGraphLevel(const nlohmann::json& config, GraphLevel* out) {
  *out = GraphLevel::kAll;
  auto opt = config.find("optimization");
  if (opt == config.end() || !opt->is_object()) return Status::Ok();
  auto graph = opt->find("graph");
  if (graph == opt->end() || !graph->is_object()) return Status::Ok();
  auto level = graph->find("level");
  if (level == graph->end()) return Status::Ok();
  int64_t v;
  ORTB_RETURN_IF_ERROR(ReadInt64(*level, "optimization.graph.level", &v));
  switch (v) {
    case -1: *out = GraphLevel::kBasic; break;
    case 0: *out = GraphLevel::kAll; break;
    case 1: *out = GraphLevel::kExtended; break;
    case 2: *out = GraphLevel::kDisabled; break;
    default:
      return Status::InvalidArgument("optimization.graph.level has invalid value " + std::to_string(v) +
                                     ": expected -1 (basic), 0 (all), 1 (extended) or 2 (disabled)");
  }
  return Status::Ok();
}

// optimization { cuda { graphs } }. Its other fields (busy_wait_events,
// graph_spec, output_copy_stream) are TensorRT-backend settings with no ORT
// counterpart and are left alone, as the original backend does.
Status ParseCudaGraphs(const nlohmann::json& config, bool* out) {
  *out = false;
  auto opt = config.find("optimization");
  if (opt == config.end() || !opt->is_object()) return Status::Ok();
  auto cuda = opt->find("cuda");
  if (cuda == opt->end() || !cuda->is_object()) return Status::Ok();
  auto graphs = cuda->find("graphs");
  if (graphs == cuda->end() || graphs->is_null()) return Status::Ok();
  if (graphs->is_boolean()) {
    *out = graphs->get<bool>();
    return Status::Ok();
  }
  if (graphs->is_string() && ParseBool(graphs->get<std::string>(), out)) return Status::Ok();
  return Status::InvalidArgument("optimization.cuda.graphs must be true or false, got " + graphs->dump());
}

}  // namespace

Status ParseModelSettings(const nlohmann::json& config, ModelSettings* out) {
  *out = ModelSettings();
  ORTB_RETURN_IF_ERROR(ParseGraphLevel(config, &out->graph_level));
  ORTB_RETURN_IF_ERROR(ParseCudaGraphs(config, &out->cuda_graphs));
  if (auto ops = config.find("model_operations"); ops != config.end() && ops->is_object()) {
    auto libs = ops->find("op_library_filename");
    if (libs != ops->end() && !libs->is_null()) {
      const nlohmann::json list = libs->is_array() ? *libs : nlohmann::json::array({*libs});
      for (const auto& lib : list) {
        if (!lib.is_string() || lib.get<std::string>().empty())
          return Status::InvalidArgument("model_operations.op_library_filename must list file paths, got " +
                                         libs->dump());
        out->custom_op_libraries.push_back(lib.get<std::string>());
      }
    }
  }

  auto params = config.find("parameters");
  if (params == config.end() || !params->is_object()) return Status::Ok();
  constexpr int64_t kMaxThreads = 4096;
  for (auto it = params->begin(); it != params->end(); ++it) {
    const std::string& key = it.key();
    std::string value;
    if (it->is_object() && it->contains("string_value") && (*it)["string_value"].is_string())
      value = (*it)["string_value"].get<std::string>();
    else if (it->is_string())
      value = it->get<std::string>();
    else
      return Status::InvalidArgument("parameter '" + key + "' must have a string_value");

    int64_t n;
    bool b;
    if (key == "intra_op_thread_count") {
      ORTB_RETURN_IF_ERROR(ParseIntIn(key, value, 0, kMaxThreads, &n));
      out->intra_op_threads = static_cast<int>(n);
    } else if (key == "inter_op_thread_count") {
      ORTB_RETURN_IF_ERROR(ParseIntIn(key, value, 0, kMaxThreads, &n));
      out->inter_op_threads = static_cast<int>(n);
    } else if (key == "execution_mode") {
      ORTB_RETURN_IF_ERROR(ParseIntIn(key, value, 0, 1, &n));
      out->parallel_execution = n == 1;
    } else if (key == "enable_mem_arena") {
      ORTB_RETURN_IF_ERROR(ParseBoolKey(key, value, &b));
      out->enable_mem_arena = b;
    } else if (key == "enable_mem_pattern") {
      ORTB_RETURN_IF_ERROR(ParseBoolKey(key, value, &b));
      out->enable_mem_pattern = b;
    } else if (key == "memory.enable_memory_arena_shrinkage") {
      ORTB_RETURN_IF_ERROR(ParseArenaShrinkage(key, value, &out->arena_shrinkage));
    } else if (key == "optimized_model_filepath") {
      if (value.empty()) return BadValue(key, value, "a file path");
      out->optimized_model_filepath = value;
    } else if (key == "profiling_file_prefix") {
      if (value.empty()) return BadValue(key, value, "a file path prefix");
      out->profiling_file_prefix = value;
    } else if (key == "decryptor") {
      if (value.empty()) return BadValue(key, value, "the name of a decryptor the server's operator registered");
      out->decryptor = value;
    } else if (key == "share_session_between_instances") {
      ORTB_RETURN_IF_ERROR(ParseBoolKey(key, value, &b));
      out->share_session = b;
    } else if (key == "max_batches_in_flight") {
      ORTB_RETURN_IF_ERROR(ParseIntIn(key, value, 1, kMaxBatchesInFlight, &n));
      out->batches_in_flight = static_cast<int>(n);
    } else if (key == "execution_provider_fallback") {
      if (value == "allow")
        out->provider_fallback = ProviderFallback::kAllow;
      else if (value == "warn")
        out->provider_fallback = ProviderFallback::kWarn;
      else if (value == "fail")
        out->provider_fallback = ProviderFallback::kFail;
      else
        return BadValue(key, value, "allow, warn or fail");
    } else if (key == "ep_library") {
      ORTB_RETURN_IF_ERROR(ParseEpLibraryList("parameter 'ep_library'", value, &out->ep_libraries));
    } else if (key == "ep_selection_policy") {
      if (!ParseEpSelectionPolicy(value, &out->ep_selection_policy))
        return BadValue(key, value, "one of " + EpSelectionPolicyNames());
    } else if (key.rfind("session.", 0) == 0) {
      if (key == "session.use_device_allocator_for_initializers") {
        // ORT reads only "1" as on; accept the usual spellings and pass 1/0.
        ORTB_RETURN_IF_ERROR(ParseBoolKey(key, value, &b));
        out->session_config_entries.emplace_back(key, b ? "1" : "0");
        continue;
      }
      out->session_config_entries.emplace_back(key, value);
    } else if (key == "cudnn_conv_algo_search") {
      ORTB_RETURN_IF_ERROR(ParseIntIn(key, value, 0, 2, &n));
      out->cudnn_conv_algo_search = static_cast<int>(n);
    } else if (key == "gpu_mem_limit") {
      uint64_t limit;
      if (!ParseUint64(value, &limit)) return BadValue(key, value, "a byte count from 0 to 18446744073709551615");
      out->gpu_mem_limit = limit;
    } else if (key == "arena_extend_strategy") {
      ORTB_RETURN_IF_ERROR(ParseIntIn(key, value, 0, 1, &n));
      out->arena_extend_strategy = static_cast<int>(n);
    } else if (key == "do_copy_in_default_stream") {
      ORTB_RETURN_IF_ERROR(ParseBoolKey(key, value, &b));
      out->do_copy_in_default_stream = b;
    } else {
      out->unknown_keys.push_back(key);
    }
  }
  return Status::Ok();
}

}  // namespace ortbackend
