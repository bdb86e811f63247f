#pragma once
// Execution-provider (EP) settings of one model, parsed from its config's
// `optimization.execution_accelerators` section plus the deprecated CUDA
// parameters already read into ModelSettings, into plain data. Nothing here
// calls ORT; ort/execution_providers.h applies the result to session options.
//
// Accepted accelerators (the original backend's README):
//   gpu_execution_accelerator: "tensorrt" (the original backend's key table, mapped to
//     ORT's TensorRT V2 option names) and "cuda" (ORT's CUDA V2 option names).
//   cpu_execution_accelerator: "openvino" (OpenVINO EP options, passed through
//     once their keys are checked).
// Any other name is a plugin EP (an EP library registered with ep-library),
// by the EP name ORT lists for it; whether such an EP exists is known only
// once the libraries are registered, so ort/ep_devices.h checks it when the
// session is built.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "config/model_settings.h"

namespace ortbackend {

// Option lists keep the order in which they should be handed to ORT; keys are
// unique within a list. Values are normalized: booleans are "1"/"0", enums
// carry ORT's spelling.
using ProviderOptionList = std::vector<std::pair<std::string, std::string>>;

struct ExecutionProviderSettings {
  // A gpu_execution_accelerator named "tensorrt" was given. Its options use
  // ORT's names (trt_*); trt_max_workspace_size is always present (the original backend's
  // default is 1 GiB). Used by GPU instances only, ahead of CUDA.
  bool tensorrt = false;
  ProviderOptionList tensorrt_options;

  // A gpu_execution_accelerator named "cuda" was given. The CUDA EP is used by
  // every GPU instance whether or not it is listed (it is TensorRT's fallback
  // too), so cuda_options apply in any case: the deprecated model parameters
  // (cudnn_conv_algo_search, gpu_mem_limit, arena_extend_strategy,
  // do_copy_in_default_stream) mapped to ORT's form, overridden key by key by
  // the accelerator's own parameters. device_id is never here: it comes from
  // the model instance.
  bool cuda = false;
  ProviderOptionList cuda_options;

  // A cpu_execution_accelerator named "openvino" was given; its parameters are
  // passed to the OpenVINO EP (device_type, precision, num_of_threads,
  // cache_dir, ...). Keys must be ones the OpenVINO EP knows; integers are
  // checked and booleans normalized to "true"/"false" (the only spelling
  // OpenVINO's EP accepts); other values are OpenVINO's to judge when the
  // instance is created. Used by CPU instances only.
  bool openvino = false;
  ProviderOptionList openvino_options;

  // Plugin EPs named in the GPU / CPU list, in the list's order; their
  // parameters go to ORT unchanged (SessionOptionsAppendExecutionProvider_V2
  // with the EP's device). A GPU instance uses the GPU list, a CPU instance
  // the CPU list, as for the built-in names.
  struct PluginEp {
    std::string name;
    ProviderOptionList options;
  };
  std::vector<PluginEp> gpu_plugin_eps;
  std::vector<PluginEp> cpu_plugin_eps;

  // The model's ep_selection_policy (ModelSettings), copied here because it
  // replaces the accelerator lists: ORT picks the EP devices itself.
  EpSelectionPolicy selection_policy = EpSelectionPolicy::kNone;
};

// `config` is the whole model configuration JSON; `settings` its already
// parsed ModelSettings (for the deprecated CUDA keys). On error `out` is left
// in an unspecified state and the message names the accelerator, the key and
// the value at fault.
Status ParseExecutionProviders(const nlohmann::json& config, const ModelSettings& settings,
                               ExecutionProviderSettings* out);

// The options one GPU instance hands ORT's CUDA or TensorRT provider:
// `device_id` (the instance's GPU), then `options`. Every GPU provider of the
// instance gets it, TensorRT as much as CUDA and whether or not its
// accelerator entry has parameters: ORT's default is GPU 0, which would put
// an instance of another GPU's group on the wrong device. The config's own
// lists never hold device_id (CUDA's parser refuses it; TensorRT's table has
// no such key).
ProviderOptionList InstanceProviderOptions(const ProviderOptionList& options, int device_id);

// Whether a GPU instance's session has ORT's classic CUDA provider (which
// computes on the instance's stream): not when ep_selection_policy chooses
// the providers, nor when the GPU list names plugin EPs only.
bool GpuInstanceUsesClassicCuda(const ExecutionProviderSettings& eps);

// Whether GPU instances capture CUDA graphs: the CUDA options say
// enable_cuda_graph=1 (from the "cuda" accelerator, or from
// optimization.cuda.graphs, which sets it unless the accelerator gives it).
bool CudaGraphsEnabled(const ExecutionProviderSettings& eps);

// The Triton-side TensorRT parameter keys this backend accepts, in the original backend's
// table order (for documentation and tests).
const std::vector<std::string>& TensorRtParameterKeys();

// The CUDA EP V2 option keys ORT knows (ONNX Runtime 1.24); every key of a
// "cuda" accelerator must be one of them.
const std::vector<std::string>& CudaOptionKeys();

// The OpenVINO EP option keys ORT knows (ONNX Runtime 1.24); every key of an
// "openvino" accelerator must be one of them.
const std::vector<std::string>& OpenVinoOptionKeys();

}  // namespace ortbackend
