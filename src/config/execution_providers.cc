#include "config/execution_providers.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "config/json_read.h"

namespace ortbackend {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

// How a parameter's text value is checked and normalized.
enum class ValueKind {
  kInt,        // a decimal integer in [lo, hi]
  kSize,       // a byte count: a decimal integer in [0, 2^64 - 1]
  kBool,       // "1"/"true"/"0"/"false", normalized to "1"/"0"
  kBoolWord,   // the same, normalized to "true"/"false" (what OpenVINO's EP parses)
  kString,     // anything, passed through
  kEnum,       // one of `names`, or its index given as a decimal digit
  kPrecision,  // TensorRT's precision_mode (FP32/FP16/BF16/INT8)
  kRejected,   // a known key that cannot come from a model configuration
};

struct KeySpec {
  const char* key;      // the key in the model configuration
  const char* ort_key;  // ORT's option name
  ValueKind kind;
  int64_t lo = 0;
  int64_t hi = 0;
  std::vector<const char*> names = {};  // kEnum: ORT's names, by index
  const char* why_rejected = "";        // kRejected
};

// The original backend's "Parameter mapping between ONNX Runtime and Triton ONNXRuntime
// Backend" table, in its order.
const std::vector<KeySpec>& TensorRtTable() {
  static const std::vector<KeySpec> table = {
      {"max_workspace_size_bytes", "trt_max_workspace_size", ValueKind::kSize},
      {"trt_max_partition_iterations", "trt_max_partition_iterations", ValueKind::kInt, 1, kIntMax},
      {"trt_min_subgraph_size", "trt_min_subgraph_size", ValueKind::kInt, 1, kIntMax},
      {"precision_mode", "", ValueKind::kPrecision},
      {"int8_calibration_table_name", "trt_int8_calibration_table_name", ValueKind::kString},
      {"int8_use_native_calibration_table", "trt_int8_use_native_calibration_table", ValueKind::kBool},
      {"trt_dla_enable", "trt_dla_enable", ValueKind::kBool},
      {"trt_dla_core", "trt_dla_core", ValueKind::kInt, 0, kIntMax},
      {"trt_engine_cache_enable", "trt_engine_cache_enable", ValueKind::kBool},
      {"trt_engine_cache_path", "trt_engine_cache_path", ValueKind::kString},
      {"trt_engine_cache_prefix", "trt_engine_cache_prefix", ValueKind::kString},
      {"trt_dump_subgraphs", "trt_dump_subgraphs", ValueKind::kBool},
      {"trt_force_sequential_engine_build", "trt_force_sequential_engine_build", ValueKind::kBool},
      {"trt_context_memory_sharing_enable", "trt_context_memory_sharing_enable", ValueKind::kBool},
      {"trt_layer_norm_fp32_fallback", "trt_layer_norm_fp32_fallback", ValueKind::kBool},
      {"trt_timing_cache_enable", "trt_timing_cache_enable", ValueKind::kBool},
      {"trt_timing_cache_path", "trt_timing_cache_path", ValueKind::kString},
      {"trt_force_timing_cache", "trt_force_timing_cache", ValueKind::kBool},
      {"trt_detailed_build_log", "trt_detailed_build_log", ValueKind::kBool},
      {"trt_build_heuristics_enable", "trt_build_heuristics_enable", ValueKind::kBool},
      {"trt_sparsity_enable", "trt_sparsity_enable", ValueKind::kBool},
      // TensorRT's builder optimization levels are 0..5 (ORT's default is 3).
      {"trt_builder_optimization_level", "trt_builder_optimization_level", ValueKind::kInt, 0, 5},
      // -1: TensorRT's heuristic; 0: fewest streams (least memory).
      {"trt_auxiliary_streams", "trt_auxiliary_streams", ValueKind::kInt, -1, kIntMax},
      {"trt_tactic_sources", "trt_tactic_sources", ValueKind::kString},
      {"trt_extra_plugin_lib_paths", "trt_extra_plugin_lib_paths", ValueKind::kString},
      {"trt_profile_min_shapes", "trt_profile_min_shapes", ValueKind::kString},
      {"trt_profile_max_shapes", "trt_profile_max_shapes", ValueKind::kString},
      {"trt_profile_opt_shapes", "trt_profile_opt_shapes", ValueKind::kString},
      {"trt_cuda_graph_enable", "trt_cuda_graph_enable", ValueKind::kBool},
      {"trt_dump_ep_context_model", "trt_dump_ep_context_model", ValueKind::kBool},
      {"trt_ep_context_file_path", "trt_ep_context_file_path", ValueKind::kString},
      {"trt_ep_context_embed_mode", "trt_ep_context_embed_mode", ValueKind::kInt, 0, 1},
  };
  return table;
}

constexpr char kTensorRtDefaultWorkspace[] = "1073741824";  // the original backend's README: "Default value is 1GB"

constexpr const char* kAddressKey =
    "is a memory address inside the server process and cannot be set from a model configuration";

// ORT's CUDA EP V2 options (onnxruntime/core/providers/cuda/cuda_execution_provider_info.cc,
// ONNX Runtime 1.24), alphabetical.
const std::vector<KeySpec>& CudaTable() {
  static const std::vector<KeySpec> table = {
      {"arena_extend_strategy",
       "arena_extend_strategy",
       ValueKind::kEnum,
       0,
       0,
       {"kNextPowerOfTwo", "kSameAsRequested"}},
      {"cudnn_conv1d_pad_to_nc1d", "cudnn_conv1d_pad_to_nc1d", ValueKind::kBool},
      {"cudnn_conv_algo_search",
       "cudnn_conv_algo_search",
       ValueKind::kEnum,
       0,
       0,
       {"EXHAUSTIVE", "HEURISTIC", "DEFAULT"}},
      {"cudnn_conv_use_max_workspace", "cudnn_conv_use_max_workspace", ValueKind::kBool},
      {"device_id",
       "device_id",
       ValueKind::kRejected,
       0,
       0,
       {},
       "is taken from the model instance (instance_group gpus) and cannot be set here"},
      {"do_copy_in_default_stream", "do_copy_in_default_stream", ValueKind::kBool},
      {"enable_cuda_graph", "enable_cuda_graph", ValueKind::kBool},
      {"enable_skip_layer_norm_strict_mode", "enable_skip_layer_norm_strict_mode", ValueKind::kBool},
      {"fuse_conv_bias", "fuse_conv_bias", ValueKind::kBool},
      {"gpu_external_alloc", "gpu_external_alloc", ValueKind::kRejected, 0, 0, {}, kAddressKey},
      {"gpu_external_empty_cache", "gpu_external_empty_cache", ValueKind::kRejected, 0, 0, {}, kAddressKey},
      {"gpu_external_free", "gpu_external_free", ValueKind::kRejected, 0, 0, {}, kAddressKey},
      {"gpu_mem_limit", "gpu_mem_limit", ValueKind::kSize},
      {"has_user_compute_stream",
       "has_user_compute_stream",
       ValueKind::kRejected,
       0,
       0,
       {},
       "needs a CUDA stream of the server process and cannot be set from a model configuration"},
      {"prefer_nhwc", "prefer_nhwc", ValueKind::kBool},
      // A bit mask of the attention kernels ORT may use; 0 lets ORT choose.
      {"sdpa_kernel", "sdpa_kernel", ValueKind::kInt, 0, kIntMax},
      {"tunable_op_enable", "tunable_op_enable", ValueKind::kBool},
      {"tunable_op_max_tuning_duration_ms", "tunable_op_max_tuning_duration_ms", ValueKind::kInt, 0, kIntMax},
      {"tunable_op_tuning_enable", "tunable_op_tuning_enable", ValueKind::kBool},
      {"use_ep_level_unified_stream", "use_ep_level_unified_stream", ValueKind::kBool},
      {"use_tf32", "use_tf32", ValueKind::kBool},
      {"user_compute_stream", "user_compute_stream", ValueKind::kRejected, 0, 0, {}, kAddressKey},
  };
  return table;
}

// The OpenVINO EP's provider options (ONNX Runtime 1.24: its ProviderInfo's
// valid_provider_keys), alphabetical. Values are OpenVINO's to judge (a
// device_type or precision depends on the machine), except for the forms
// checked here: ORT reports every option OpenVINO rejects only as "Failed to
// load shared library", so catching what we can at load gives a better message.
const std::vector<KeySpec>& OpenVinoTable() {
  static const std::vector<KeySpec> table = {
      {"cache_dir", "cache_dir", ValueKind::kString},
      {"context", "context", ValueKind::kRejected, 0, 0, {}, kAddressKey},
      {"device_id", "device_id", ValueKind::kString},  // deprecated by OpenVINO for device_type
      {"device_luid", "device_luid", ValueKind::kString},
      {"device_type", "device_type", ValueKind::kString},
      {"disable_dynamic_shapes", "disable_dynamic_shapes", ValueKind::kBoolWord},
      {"enable_causallm", "enable_causallm", ValueKind::kBoolWord},
      {"enable_opencl_throttling", "enable_opencl_throttling", ValueKind::kBoolWord},
      {"enable_qdq_optimizer", "enable_qdq_optimizer", ValueKind::kBoolWord},
      {"layout", "layout", ValueKind::kString},
      {"load_config", "load_config", ValueKind::kString},
      {"model_priority", "model_priority", ValueKind::kString},
      {"num_of_threads", "num_of_threads", ValueKind::kInt, 0, kIntMax},
      {"num_streams", "num_streams", ValueKind::kInt, 0, kIntMax},
      {"precision", "precision", ValueKind::kString},
      {"reshape_input", "reshape_input", ValueKind::kString},
  };
  return table;
}

std::string JoinKeys(const std::vector<KeySpec>& table) {
  std::string out;
  for (const KeySpec& spec : table) {
    if (spec.kind == ValueKind::kRejected) continue;
    if (!out.empty()) out += ", ";
    out += spec.key;
  }
  return out;
}

const KeySpec* FindKey(const std::vector<KeySpec>& table, const std::string& key) {
  for (const KeySpec& spec : table)
    if (key == spec.key) return &spec;
  return nullptr;
}

// Sets `key` in `options`, replacing an earlier value in place.
void SetOption(ProviderOptionList* options, const std::string& key, std::string value) {
  for (auto& [k, v] : *options) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  options->emplace_back(key, std::move(value));
}

bool HasOption(const ProviderOptionList& options, const std::string& key) {
  return std::any_of(options.begin(), options.end(), [&](const auto& kv) { return kv.first == key; });
}

Status BadValue(const std::string& accelerator, const std::string& key, const std::string& value,
                const std::string& expected) {
  return Status::InvalidArgument(accelerator + " accelerator parameter '" + key + "' has invalid value '" + value +
                                 "': expected " + expected);
}

// Checks `value` against `spec` and returns its normalized form in `*out`.
Status NormalizeValue(const std::string& accelerator, const KeySpec& spec, const std::string& value, std::string* out) {
  int64_t n = 0;
  uint64_t u = 0;
  bool b = false;
  switch (spec.kind) {
    case ValueKind::kInt:
      if (!ParseInt64(value, &n) || n < spec.lo || n > spec.hi)
        return BadValue(accelerator, spec.key, value,
                        "an integer in [" + std::to_string(spec.lo) + ", " + std::to_string(spec.hi) + "]");
      *out = std::to_string(n);
      return Status::Ok();
    case ValueKind::kSize:
      if (!ParseUint64(value, &u))
        return BadValue(accelerator, spec.key, value, "a byte count from 0 to 18446744073709551615");
      *out = std::to_string(u);
      return Status::Ok();
    case ValueKind::kBool:
      if (!ParseBool(value, &b)) return BadValue(accelerator, spec.key, value, "\"1\", \"0\", \"true\" or \"false\"");
      *out = b ? "1" : "0";
      return Status::Ok();
    case ValueKind::kBoolWord:
      if (!ParseBool(value, &b)) return BadValue(accelerator, spec.key, value, "\"1\", \"0\", \"true\" or \"false\"");
      *out = b ? "true" : "false";
      return Status::Ok();
    case ValueKind::kString: *out = value; return Status::Ok();
    case ValueKind::kEnum: {
      std::string expected;
      for (size_t i = 0; i < spec.names.size(); ++i) {
        if (value == spec.names[i] || value == std::to_string(i)) {
          *out = spec.names[i];
          return Status::Ok();
        }
        expected += (i == 0                       ? ""
                     : i + 1 == spec.names.size() ? " or "
                                                  : ", ") +
                    std::string(spec.names[i]) + " (" + std::to_string(i) + ")";
      }
      return BadValue(accelerator, spec.key, value, expected);
    }
    case ValueKind::kPrecision:  // handled by the TensorRT parser
    case ValueKind::kRejected: break;
  }
  return Status::Internal("unhandled value kind for " + accelerator + " parameter '" + std::string(spec.key) + "'");
}

// One entry of an accelerator list: its name and its parameters, in JSON order.
struct Accelerator {
  std::string name;
  ProviderOptionList parameters;
};

Status ReadAcceleratorList(const nlohmann::json& accelerators, const char* list_name, std::vector<Accelerator>* out) {
  auto list = accelerators.find(list_name);
  if (list == accelerators.end() || list->is_null()) return Status::Ok();
  const std::string where = std::string("optimization.execution_accelerators.") + list_name;
  if (!list->is_array()) return Status::InvalidArgument(where + " must be a list");
  for (const nlohmann::json& entry : *list) {
    if (!entry.is_object()) return Status::InvalidArgument(where + " entries must be objects, got " + entry.dump());
    Accelerator acc;
    acc.name = StringMember(entry, "name");
    if (acc.name.empty()) return Status::InvalidArgument(where + " has an entry without a name: " + entry.dump());
    auto params = entry.find("parameters");
    if (params != entry.end() && !params->is_null()) {
      if (!params->is_object())
        return Status::InvalidArgument(where + " '" + acc.name + "' parameters must be a map of strings");
      for (auto it = params->begin(); it != params->end(); ++it) {
        if (!it->is_string())
          return Status::InvalidArgument(where + " '" + acc.name + "' parameter '" + it.key() +
                                         "' must be a string, got " + it->dump());
        acc.parameters.emplace_back(it.key(), it->get<std::string>());
      }
    }
    for (const Accelerator& earlier : *out)
      if (earlier.name == acc.name)
        return Status::InvalidArgument(where + " lists '" + acc.name + "' more than once; merge its parameters");
    out->push_back(std::move(acc));
  }
  return Status::Ok();
}

Status ParseTensorRt(const ProviderOptionList& parameters, ProviderOptionList* out) {
  for (const auto& [key, value] : parameters) {
    const KeySpec* spec = FindKey(TensorRtTable(), key);
    if (spec == nullptr)
      return Status::InvalidArgument("unknown TensorRT accelerator parameter '" + key +
                                     "'; the valid parameters are: " + JoinKeys(TensorRtTable()));
    if (spec->kind == ValueKind::kPrecision) {
      if (value == "FP16")
        SetOption(out, "trt_fp16_enable", "1");
      else if (value == "BF16")
        SetOption(out, "trt_bf16_enable", "1");
      else if (value == "INT8")
        SetOption(out, "trt_int8_enable", "1");
      else if (value != "FP32")
        return BadValue("TensorRT", key, value, "FP32, FP16, BF16 or INT8");
      continue;
    }
    std::string normalized;
    ORTB_RETURN_IF_ERROR(NormalizeValue("TensorRT", *spec, value, &normalized));
    SetOption(out, spec->ort_key, std::move(normalized));
  }
  if (!HasOption(*out, "trt_max_workspace_size")) SetOption(out, "trt_max_workspace_size", kTensorRtDefaultWorkspace);
  return Status::Ok();
}

// The deprecated model-level CUDA parameters, in ORT's form.
void DeprecatedCudaOptions(const ModelSettings& settings, ProviderOptionList* out) {
  static const char* const kAlgoSearch[] = {"EXHAUSTIVE", "HEURISTIC", "DEFAULT"};
  static const char* const kArenaStrategy[] = {"kNextPowerOfTwo", "kSameAsRequested"};
  // ModelSettings has range-checked these (0..2 and 0..1).
  if (settings.cudnn_conv_algo_search.has_value())
    SetOption(out, "cudnn_conv_algo_search", kAlgoSearch[*settings.cudnn_conv_algo_search]);
  if (settings.gpu_mem_limit.has_value()) SetOption(out, "gpu_mem_limit", std::to_string(*settings.gpu_mem_limit));
  if (settings.arena_extend_strategy.has_value())
    SetOption(out, "arena_extend_strategy", kArenaStrategy[*settings.arena_extend_strategy]);
  if (settings.do_copy_in_default_stream.has_value())
    SetOption(out, "do_copy_in_default_stream", *settings.do_copy_in_default_stream ? "1" : "0");
}

// CUDA and OpenVINO: every key must be one the provider knows.
Status ParseKnownKeys(const std::string& accelerator, const std::vector<KeySpec>& table,
                      const ProviderOptionList& parameters, ProviderOptionList* out) {
  for (const auto& [key, value] : parameters) {
    const KeySpec* spec = FindKey(table, key);
    if (spec == nullptr)
      return Status::InvalidArgument("unknown " + accelerator + " accelerator parameter '" + key +
                                     "'; the valid parameters are: " + JoinKeys(table));
    if (spec->kind == ValueKind::kRejected)
      return Status::InvalidArgument(accelerator + " accelerator parameter '" + key + "' " + spec->why_rejected);
    std::string normalized;
    ORTB_RETURN_IF_ERROR(NormalizeValue(accelerator, *spec, value, &normalized));
    SetOption(out, spec->ort_key, std::move(normalized));
  }
  return Status::Ok();
}

// A name that is none of the built-in accelerators: a plugin EP. Its
// options are the EP's own, passed through; device_id alone is the
// backend's (the instance's device chooses the EP device).
Status ParsePluginEp(const char* list, const Accelerator& acc, std::vector<ExecutionProviderSettings::PluginEp>* out) {
  for (const auto& kv : acc.parameters)
    if (kv.first == "device_id")
      return Status::InvalidArgument(std::string(list) + " '" + acc.name +
                                     "' parameter 'device_id' is taken from the model instance (instance_group "
                                     "gpus) and cannot be set here");
  out->push_back({acc.name, acc.parameters});
  return Status::Ok();
}

}  // namespace

ProviderOptionList InstanceProviderOptions(const ProviderOptionList& options, int device_id) {
  ProviderOptionList out;
  out.reserve(options.size() + 1);
  out.emplace_back("device_id", std::to_string(device_id));
  for (const auto& kv : options)
    if (kv.first != "device_id") out.push_back(kv);
  return out;
}

bool GpuInstanceUsesClassicCuda(const ExecutionProviderSettings& eps) {
  return eps.selection_policy == EpSelectionPolicy::kNone && (eps.gpu_plugin_eps.empty() || eps.tensorrt || eps.cuda);
}

bool CudaGraphsEnabled(const ExecutionProviderSettings& eps) {
  // Graphs are the classic CUDA provider's option.
  if (!GpuInstanceUsesClassicCuda(eps)) return false;
  return std::any_of(eps.cuda_options.begin(), eps.cuda_options.end(),
                     [](const auto& kv) { return kv.first == "enable_cuda_graph" && kv.second == "1"; });
}

const std::vector<std::string>& TensorRtParameterKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const KeySpec& spec : TensorRtTable()) k.emplace_back(spec.key);
    return k;
  }();
  return keys;
}

const std::vector<std::string>& CudaOptionKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const KeySpec& spec : CudaTable()) k.emplace_back(spec.key);
    return k;
  }();
  return keys;
}

const std::vector<std::string>& OpenVinoOptionKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const KeySpec& spec : OpenVinoTable()) k.emplace_back(spec.key);
    return k;
  }();
  return keys;
}

Status ParseExecutionProviders(const nlohmann::json& config, const ModelSettings& settings,
                               ExecutionProviderSettings* out) {
  *out = ExecutionProviderSettings();
  DeprecatedCudaOptions(settings, &out->cuda_options);

  std::vector<Accelerator> gpu, cpu;
  auto opt = config.find("optimization");
  if (opt != config.end() && opt->is_object()) {
    auto accelerators = opt->find("execution_accelerators");
    if (accelerators != opt->end() && !accelerators->is_null()) {
      if (!accelerators->is_object())
        return Status::InvalidArgument("optimization.execution_accelerators must be an object");
      ORTB_RETURN_IF_ERROR(ReadAcceleratorList(*accelerators, "gpu_execution_accelerator", &gpu));
      ORTB_RETURN_IF_ERROR(ReadAcceleratorList(*accelerators, "cpu_execution_accelerator", &cpu));
    }
  }

  for (const Accelerator& acc : gpu) {
    Status s;
    if (acc.name == "tensorrt") {
      out->tensorrt = true;
      s = ParseTensorRt(acc.parameters, &out->tensorrt_options);
    } else if (acc.name == "cuda") {
      out->cuda = true;
      s = ParseKnownKeys("CUDA", CudaTable(), acc.parameters, &out->cuda_options);
    } else if (acc.name == "openvino") {
      s = Status::InvalidArgument(
          "'openvino' is a CPU execution accelerator: list it under cpu_execution_accelerator, "
          "not gpu_execution_accelerator");
    } else {
      s = ParsePluginEp("gpu_execution_accelerator", acc, &out->gpu_plugin_eps);
    }
    ORTB_RETURN_IF_ERROR(s);
  }
  // optimization.cuda.graphs is the CUDA EP's enable_cuda_graph; the
  // accelerator's own value of that key wins, like the deprecated keys.
  if (settings.cuda_graphs && !HasOption(out->cuda_options, "enable_cuda_graph"))
    SetOption(&out->cuda_options, "enable_cuda_graph", "1");
  for (const Accelerator& acc : cpu) {
    Status s;
    if (acc.name == "openvino") {
      out->openvino = true;
      s = ParseKnownKeys("OpenVINO", OpenVinoTable(), acc.parameters, &out->openvino_options);
    } else if (acc.name == "tensorrt" || acc.name == "cuda") {
      s = Status::InvalidArgument("'" + acc.name +
                                  "' is a GPU execution accelerator: list it under gpu_execution_accelerator, "
                                  "not cpu_execution_accelerator");
    } else {
      s = ParsePluginEp("cpu_execution_accelerator", acc, &out->cpu_plugin_eps);
    }
    ORTB_RETURN_IF_ERROR(s);
  }
  out->selection_policy = settings.ep_selection_policy;
  if (out->selection_policy != EpSelectionPolicy::kNone && (!gpu.empty() || !cpu.empty()))
    return Status::InvalidArgument(std::string("parameter 'ep_selection_policy' (") +
                                   EpSelectionPolicyName(out->selection_policy) +
                                   ") lets ONNX Runtime choose the execution providers, so the config may not also "
                                   "name them in optimization.execution_accelerators; keep one of the two");
  return Status::Ok();
}

}  // namespace ortbackend
