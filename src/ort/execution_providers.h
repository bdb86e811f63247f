#pragma once
// Applies parsed ExecutionProviderSettings to ORT session options.
//
// Which providers are compiled in is decided by CMake (TRITON_ENABLE_GPU,
// TRITON_ENABLE_ONNXRUNTIME_TENSORRT, TRITON_ENABLE_ONNXRUNTIME_OPENVINO);
// asking a build for a provider it was built without is an error that says
// which option to rebuild with. Whether the ORT *library* can load a provider
// is only known at run time: its CUDA and TensorRT providers are plugins that
// need the CUDA / TensorRT libraries, and a failure to load them is reported
// as "CUDA libraries not found" / "TensorRT libraries not found" followed by
// ORT's own text (which names the missing file).

#include <string>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/execution_providers.h"
#include "ort/environment.h"

namespace ortbackend {

// Appends the execution providers of one model instance to `so`, in ORT's
// priority order:
//   With eps.selection_policy: none; ORT's selection policy picks them
//     (ort/ep_devices.h), on either kind of instance.
//   GPU instance (`gpu_instance`, on CUDA device `device_id`): the plugin
//     EPs of the GPU list (each on its device for `device_id`), then
//     TensorRT when eps.tensorrt, then CUDA -- always, unless the list names
//     only plugin EPs, which then replace it -- then ORT's implicit CPU
//     provider.
//   CPU instance: the plugin EPs of the CPU list, then OpenVINO when
//     eps.openvino, then the implicit CPU provider.
// Plugin EPs and the policy need `environment` (its Ort::Env and EP-library
// registry); without one they are an error.
// GPU accelerators do not apply to CPU instances, nor OpenVINO to GPU ones.
// `device_id` is written into both the CUDA and the TensorRT options
// (InstanceProviderOptions), whatever the accelerator entries say.
// Call it once the process-wide Ort::Env exists: ORT's CUDA/TensorRT option
// parsers log through it (without one they fail with "Attempt to use
// DefaultLogger but none has been registered"). Without a visible GPU, ORT
// refuses device_id while parsing the options (an InvalidArgument naming it).
// Not thread-safe for one `so`; no state is kept between calls.
// `cuda_stream` (a cudaStream_t, or null): the CUDA provider computes on it
// (ORT's user_compute_stream); a GPU instance passes its own stream so the
// backend's copies and ORT's kernels are ordered on one stream. The key is
// refused in model configurations, since only the server process has one.
Status AppendExecutionProviders(const ExecutionProviderSettings& eps, bool gpu_instance, int device_id,
                                Ort::SessionOptions* so, void* cuda_stream = nullptr,
                                OrtEnvironment* environment = nullptr);

// Read-back helpers (tests, diagnostics): build ORT's TensorRT / CUDA V2
// provider options from `options` (Create + Update) and return ORT's own
// rendering of them, "key=value;key=value;...". They fail where ORT cannot
// load the provider -- in particular the CPU-only onnxruntime library answers
// "... execution provider is not enabled in this build" (see
// IsProviderNotInBuild). Always compiled, whatever the build options.
StatusOr<std::string> TensorRtOptionsAsString(const ProviderOptionList& options);
StatusOr<std::string> CudaOptionsAsString(const ProviderOptionList& options);

// True when `status` is ORT saying the provider is absent from its library
// ("... is not enabled in this build").
bool IsProviderNotInBuild(const Status& status);

}  // namespace ortbackend
