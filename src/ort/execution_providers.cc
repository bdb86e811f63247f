#include "ort/execution_providers.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "ort/ep_devices.h"
#include "ort/ort_try.h"

namespace ortbackend {
namespace {

// The provider option structs of ORT's C API, owned.
struct TensorRtOptionsDeleter {
  void operator()(OrtTensorRTProviderOptionsV2* p) const { Ort::GetApi().ReleaseTensorRTProviderOptions(p); }
};
struct CudaOptionsDeleter {
  void operator()(OrtCUDAProviderOptionsV2* p) const { Ort::GetApi().ReleaseCUDAProviderOptions(p); }
};
using TensorRtOptions = std::unique_ptr<OrtTensorRTProviderOptionsV2, TensorRtOptionsDeleter>;
using CudaOptions = std::unique_ptr<OrtCUDAProviderOptionsV2, CudaOptionsDeleter>;

// A string ORT allocated with the default allocator, owned.
struct DefaultAllocatorString {
  char* text = nullptr;
  DefaultAllocatorString() = default;
  DefaultAllocatorString(const DefaultAllocatorString&) = delete;
  DefaultAllocatorString& operator=(const DefaultAllocatorString&) = delete;
  ~DefaultAllocatorString() {
    if (text != nullptr) Ort::AllocatorWithDefaultOptions().Free(text);
  }
};

enum class Provider { kTensorRt, kCuda };

const char* Name(Provider p) {
  switch (p) {
    case Provider::kTensorRt: return "TensorRT";
    case Provider::kCuda: return "CUDA";
  }
  return "?";
}

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// ORT loads its CUDA and TensorRT providers from plugin libraries on first
// use; these are the texts it reports when the plugin, or a library the plugin
// needs (libcudart, libnvinfer, ...), cannot be loaded.
bool IsLibraryLoadFailure(const std::string& m) {
  return Contains(m, "Failed to load library") || Contains(m, "Failed to load shared library") ||
         Contains(m, "cannot open shared object file");
}

// Turns a failed ORT call about provider `p` into a Status that says what to do.
Status ProviderError(Provider p, const char* doing, Ort::Status ort_status) {
  const std::string ort_text = ort_status.GetErrorMessage();
  const std::string name = Name(p);
  if (Contains(ort_text, "not enabled in this build"))
    return Status::Unsupported(name +
                               " execution provider: the ONNX Runtime library this backend loaded does not "
                               "contain it (ONNX Runtime: " +
                               ort_text + ")");
  if (IsLibraryLoadFailure(ort_text))
    return Status::Unavailable(name + " libraries not found: ONNX Runtime could not load its " + name +
                               " execution provider; install " + name + (p == Provider::kTensorRt ? " and CUDA" : "") +
                               " and make the libraries visible to the dynamic loader (e.g. LD_LIBRARY_PATH). "
                               "ONNX Runtime: " +
                               ort_text);
  const StatusCode code = ort_status.GetErrorCode() == ORT_INVALID_ARGUMENT || Contains(ort_text, "provider option")
                              ? StatusCode::kInvalidArgument
                              : StatusCode::kInternal;
  return Status(code, name + " execution provider: " + doing + " failed: " + ort_text);
}

// Parallel key/value arrays of C strings, borrowed from `options`.
struct CStringPairs {
  std::vector<const char*> keys, values;
  explicit CStringPairs(const ProviderOptionList& options) {
    for (const auto& [k, v] : options) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
  }
};

Status MakeTensorRtOptions(const ProviderOptionList& options, TensorRtOptions* out) {
  const OrtApi& api = Ort::GetApi();
  OrtTensorRTProviderOptionsV2* raw = nullptr;
  Ort::Status st(api.CreateTensorRTProviderOptions(&raw));
  if (!st.IsOK()) return ProviderError(Provider::kTensorRt, "creating provider options", std::move(st));
  TensorRtOptions owned(raw);
  CStringPairs kv(options);
  st = Ort::Status(api.UpdateTensorRTProviderOptions(owned.get(), kv.keys.data(), kv.values.data(), kv.keys.size()));
  if (!st.IsOK()) return ProviderError(Provider::kTensorRt, "setting provider options", std::move(st));
  *out = std::move(owned);
  return Status::Ok();
}

Status MakeCudaOptions(const ProviderOptionList& options, CudaOptions* out) {
  const OrtApi& api = Ort::GetApi();
  OrtCUDAProviderOptionsV2* raw = nullptr;
  Ort::Status st(api.CreateCUDAProviderOptions(&raw));
  if (!st.IsOK()) return ProviderError(Provider::kCuda, "creating provider options", std::move(st));
  CudaOptions owned(raw);
  CStringPairs kv(options);
  st = Ort::Status(api.UpdateCUDAProviderOptions(owned.get(), kv.keys.data(), kv.values.data(), kv.keys.size()));
  if (!st.IsOK()) return ProviderError(Provider::kCuda, "setting provider options", std::move(st));
  *out = std::move(owned);
  return Status::Ok();
}

[[maybe_unused]] Status AppendTensorRt(const ProviderOptionList& options, int device_id, Ort::SessionOptions* so) {
  // A named list, so the strings handed to ORT outlive every call below.
  const ProviderOptionList instance_options = InstanceProviderOptions(options, device_id);
  TensorRtOptions trt;
  ORTB_RETURN_IF_ERROR(MakeTensorRtOptions(instance_options, &trt));
  Ort::Status st(Ort::GetApi().SessionOptionsAppendExecutionProvider_TensorRT_V2(*so, trt.get()));
  if (!st.IsOK()) return ProviderError(Provider::kTensorRt, "appending the provider", std::move(st));
  return Status::Ok();
}

[[maybe_unused]] Status AppendCuda(const ProviderOptionList& options, int device_id, void* stream,
                                   Ort::SessionOptions* so) {
  const ProviderOptionList instance_options = InstanceProviderOptions(options, device_id);
  CudaOptions cuda;
  ORTB_RETURN_IF_ERROR(MakeCudaOptions(instance_options, &cuda));
  if (stream != nullptr) {
    // Setting the stream by value also sets has_user_compute_stream.
    Ort::Status st(Ort::GetApi().UpdateCUDAProviderOptionsWithValue(cuda.get(), "user_compute_stream", stream));
    if (!st.IsOK()) return ProviderError(Provider::kCuda, "setting the instance's CUDA stream", std::move(st));
  }
  Ort::Status st(Ort::GetApi().SessionOptionsAppendExecutionProvider_CUDA_V2(*so, cuda.get()));
  if (!st.IsOK()) return ProviderError(Provider::kCuda, "appending the provider", std::move(st));
  return Status::Ok();
}

std::string Describe(const ProviderOptionList& options) {
  std::string out;
  for (const auto& [k, v] : options) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out.empty() ? "no options" : out;
}

[[maybe_unused]] Status AppendOpenVino(const ProviderOptionList& options, Ort::SessionOptions* so) {
  // ORT's OpenVINO_V2 call says "Failed to load shared library" for every
  // failure, a missing provider included, so ask first whether it has one.
  std::vector<std::string> available;
  ORTB_RETURN_IF_ERROR(
      OrtTry("listing ONNX Runtime's execution providers", [&] { available = Ort::GetAvailableProviders(); }));
  if (std::find(available.begin(), available.end(), "OpenVINOExecutionProvider") == available.end())
    return Status::Unsupported(
        "OpenVINO execution provider: the ONNX Runtime library this backend loaded does not contain it "
        "(use the onnxruntime-openvino package)");
  CStringPairs kv(options);
  Ort::Status st(Ort::GetApi().SessionOptionsAppendExecutionProvider_OpenVINO_V2(*so, kv.keys.data(), kv.values.data(),
                                                                                 kv.keys.size()));
  if (st.IsOK()) return Status::Ok();
  // OpenVINO reports an option it rejects with that same text; the reason
  // only goes to ORT's log.
  return Status::InvalidArgument(
      "OpenVINO execution provider could not be created with " + Describe(options) + ": ONNX Runtime says \"" +
      st.GetErrorMessage() +
      "\", which it also says when OpenVINO rejects an option (a device_type not present here, a precision the "
      "device does not support, an unreadable load_config) or when the OpenVINO libraries are missing; "
      "ONNX Runtime's log names the cause");
}

// Plugin EPs and the selection policy: what needs the environment.
Status AppendPluginChoices(const ExecutionProviderSettings& eps, bool gpu_instance, int device_id,
                           Ort::SessionOptions* so, OrtEnvironment* environment) {
  const auto& plugins = gpu_instance ? eps.gpu_plugin_eps : eps.cpu_plugin_eps;
  if (plugins.empty() && eps.selection_policy == EpSelectionPolicy::kNone) return Status::Ok();
  if (environment == nullptr)
    return Status::Internal("plugin execution providers need the ONNX Runtime environment, which was not given");
  if (eps.selection_policy != EpSelectionPolicy::kNone)
    return ApplyEpSelectionPolicy(environment->env(), eps.selection_policy, so);
  for (const auto& ep : plugins)
    ORTB_RETURN_IF_ERROR(
        AppendPluginEp(environment->env(), environment->ep_libraries(), ep, gpu_instance, device_id, so));
  return Status::Ok();
}

}  // namespace

Status AppendExecutionProviders(const ExecutionProviderSettings& eps, bool gpu_instance, int device_id,
                                Ort::SessionOptions* so, void* cuda_stream, OrtEnvironment* environment) {
  if (gpu_instance) {
#ifndef TRITON_ENABLE_GPU
    return Status::Unsupported("a GPU model instance (device " + std::to_string(device_id) +
                               ") needs the CUDA execution provider, but this backend was built without GPU "
                               "support; rebuild with -DTRITON_ENABLE_GPU=ON");
#else
    ORTB_RETURN_IF_ERROR(AppendPluginChoices(eps, true, device_id, so, environment));
    // The policy chooses every provider; plugin EPs named alone replace CUDA.
    if (!GpuInstanceUsesClassicCuda(eps)) return Status::Ok();
    if (eps.tensorrt) {
#ifdef TRITON_ENABLE_ONNXRUNTIME_TENSORRT
      ORTB_RETURN_IF_ERROR(AppendTensorRt(eps.tensorrt_options, device_id, so));
#else
      return Status::Unsupported(
          "the model asks for the 'tensorrt' execution accelerator, but this backend was built without TensorRT "
          "support; rebuild with -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON");
#endif
    }
    // CUDA after TensorRT: ORT tries providers in the order appended, so CUDA
    // takes what TensorRT leaves, and the CPU provider what CUDA leaves.
    return AppendCuda(eps.cuda_options, device_id, cuda_stream, so);
#endif
  }
  ORTB_RETURN_IF_ERROR(AppendPluginChoices(eps, false, device_id, so, environment));
  if (eps.openvino) {
#ifdef TRITON_ENABLE_ONNXRUNTIME_OPENVINO
    return AppendOpenVino(eps.openvino_options, so);
#else
    return Status::Unsupported(
        "the model asks for the 'openvino' execution accelerator, but this backend was built without OpenVINO "
        "support; rebuild with -DTRITON_ENABLE_ONNXRUNTIME_OPENVINO=ON");
#endif
  }
  return Status::Ok();
}

StatusOr<std::string> TensorRtOptionsAsString(const ProviderOptionList& options) {
  TensorRtOptions trt;
  ORTB_RETURN_IF_ERROR(MakeTensorRtOptions(options, &trt));
  DefaultAllocatorString text;
  Ort::Status st(
      Ort::GetApi().GetTensorRTProviderOptionsAsString(trt.get(), Ort::AllocatorWithDefaultOptions(), &text.text));
  if (!st.IsOK()) return ProviderError(Provider::kTensorRt, "reading provider options back", std::move(st));
  return std::string(text.text);
}

StatusOr<std::string> CudaOptionsAsString(const ProviderOptionList& options) {
  CudaOptions cuda;
  ORTB_RETURN_IF_ERROR(MakeCudaOptions(options, &cuda));
  DefaultAllocatorString text;
  Ort::Status st(
      Ort::GetApi().GetCUDAProviderOptionsAsString(cuda.get(), Ort::AllocatorWithDefaultOptions(), &text.text));
  if (!st.IsOK()) return ProviderError(Provider::kCuda, "reading provider options back", std::move(st));
  return std::string(text.text);
}

bool IsProviderNotInBuild(const Status& status) {
  return status.code() == StatusCode::kUnsupported && Contains(status.message(), "not enabled in this build");
}

}  // namespace ortbackend
