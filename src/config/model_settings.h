#pragma once
// Session-level settings of one model, parsed from its config `parameters`
// and `optimization` sections into plain data. Nothing here calls ORT;
// ort/session_factory.cc applies them.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "config/plugin_eps.h"

namespace ortbackend {

// The original backend's mapping of optimization { graph { level } }.
enum class GraphLevel { kBasic, kExtended, kAll, kDisabled };

// execution_provider_fallback: what a load does when an accelerator (CUDA,
// TensorRT, OpenVINO) was asked for and ORT still placed nodes on its CPU
// provider. kAllow: log the placement (ORT's behaviour); kWarn: log it as a
// warning; kFail: fail the load, naming the nodes.
enum class ProviderFallback { kAllow, kWarn, kFail };

struct ModelSettings {
  std::optional<int> intra_op_threads;  // unset: the backend picks (see cpu_budget.h)
  std::optional<int> inter_op_threads;
  bool parallel_execution = false;  // execution_mode 1
  GraphLevel graph_level = GraphLevel::kAll;
  std::optional<bool> enable_mem_arena;
  std::optional<bool> enable_mem_pattern;
  // memory.enable_memory_arena_shrinkage: ORT's run option value, a device
  // list such as "cpu:0" or "cpu:0;gpu:0"; empty = off. "1"/"true" mean "cpu:0".
  std::string arena_shrinkage;
  // share_session_between_instances: CPU instances of the model run on one
  // session (ORT's Run is thread-safe) instead of one each. Unset = true.
  std::optional<bool> share_session;
  ProviderFallback provider_fallback = ProviderFallback::kAllow;
  // max_batches_in_flight: how many batches one instance may have between
  // gather and response at once (see execute/batch_pipeline.h). Unset:
  // kDefaultBatchesInFlight.
  std::optional<int> batches_in_flight;
  // Extensions for looking inside ORT (not in the original backend):
  // optimized_model_filepath: ORT saves the optimized graph there at load;
  // profiling_file_prefix: ORT profiles every run and writes
  // <prefix>_<timestamp>.json when the session ends (model unload).
  std::string optimized_model_filepath;
  std::string profiling_file_prefix;
  // model_operations { op_library_filename: [...] }: custom-op libraries ORT
  // loads (RegisterCustomOpsLibrary) before it reads the model.
  std::vector<std::string> custom_op_libraries;
  // ep_library: plugin EP libraries ("NAME:PATH;...") this model needs,
  // registered process-wide (once; kept until the backend finalizes) before
  // its sessions are created.
  std::vector<EpLibrarySpec> ep_libraries;
  // ep_selection_policy: ORT picks the EP devices itself (no
  // execution_accelerators may be given with it).
  EpSelectionPolicy ep_selection_policy = EpSelectionPolicy::kNone;
  // decryptor: the name of the operator's decryptor that reads this model's
  // encrypted files (docs/model_protection.md); empty: a plain model.
  std::string decryptor;
  // Every "session.*" parameter, handed to ORT as a session config entry.
  std::vector<std::pair<std::string, std::string>> session_config_entries;

  // optimization { cuda { graphs: true } }: GPU instances capture CUDA
  // graphs (ORT's enable_cuda_graph); needs fixed shapes (CheckCudaGraphShapes).
  bool cuda_graphs = false;

  // Deprecated CUDA keys (still honoured when the CUDA EP is used).
  std::optional<int> cudnn_conv_algo_search;
  std::optional<uint64_t> gpu_mem_limit;
  std::optional<int> arena_extend_strategy;
  std::optional<bool> do_copy_in_default_stream;

  // Parameter keys this backend does not know; logged once at load.
  std::vector<std::string> unknown_keys;
};

// Batches in flight when max_batches_in_flight is unset: one, the original
// backend's way, on every kind of instance. More is opt-in: on the GPU it
// helped a compute-heavy model at 4-8 clients and slowed an overhead-bound
// one and 1-2 clients (docs/gpu.md has the numbers).
inline constexpr int kDefaultBatchesInFlight = 1;
inline constexpr int kMaxBatchesInFlight = 64;

// `config` is the whole model configuration JSON.
Status ParseModelSettings(const nlohmann::json& config, ModelSettings* out);

}  // namespace ortbackend
