#include "ort/ep_devices.h"

#include <algorithm>
#include <cstdio>

#include "ort/ep_library_registry.h"
#include "ort/ort_try.h"

namespace ortbackend {
namespace {

KeyValueList CopyPairs(const OrtKeyValuePairs* pairs) {
  KeyValueList out;
  if (pairs == nullptr) return out;
  const char* const* keys = nullptr;
  const char* const* values = nullptr;
  size_t count = 0;
  Ort::GetApi().GetKeyValuePairs(pairs, &keys, &values, &count);
  for (size_t i = 0; i < count; ++i) out.emplace_back(keys[i], values[i] != nullptr ? values[i] : "");
  return out;
}

const char* TypeName(OrtHardwareDeviceType type) {
  switch (type) {
    case OrtHardwareDeviceType_CPU: return "CPU";
    case OrtHardwareDeviceType_GPU: return "GPU";
    case OrtHardwareDeviceType_NPU: return "NPU";
  }
  return "unknown";
}

const std::string* Find(const KeyValueList& list, const char* key) {
  for (const auto& [k, v] : list)
    if (k == key) return &v;
  return nullptr;
}

std::string Hex(uint32_t v) {
  char buf[16];
  snprintf(buf, sizeof(buf), "0x%x", v);
  return buf;
}

std::string Join(const KeyValueList& list) {
  std::string out;
  for (const auto& [k, v] : list) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out.empty() ? "none" : out;
}

// "A (CPU), B (GPU)": what is on offer, for error messages.
std::string Offered(const std::vector<EpDeviceInfo>& devices) {
  std::string out;
  for (const EpDeviceInfo& d : devices) out += (out.empty() ? "" : ", ") + d.ep_name + " (" + d.device_type + ")";
  return out.empty() ? "none" : out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Status UnknownEp(const std::string& list, const std::string& ep_name, const std::vector<EpDeviceInfo>& devices,
                 const std::vector<std::string>& libraries_without_devices) {
  std::string msg = "unknown " + list + " '" + ep_name + "': it is not a built-in accelerator (" +
                    (list == "gpu_execution_accelerator" ? "'tensorrt', 'cuda'" : "'openvino'") +
                    ") and no registered EP library offers an EP of that name on this machine (EP devices "
                    "offered: " +
                    Offered(devices) + "; register a library with --backend-config=onnxruntime,ep-library=NAME:PATH)";
  if (!libraries_without_devices.empty())
    msg += "; these registered EP libraries offer no device on this machine: " + JoinNames(libraries_without_devices);
  return Status::InvalidArgument(msg);
}

}  // namespace

StatusOr<std::vector<EpDeviceInfo>> ListEpDevices(Ort::Env& env) {
  const OrtApi& api = Ort::GetApi();
  const OrtEpDevice* const* devices = nullptr;
  size_t count = 0;
  Ort::Status st(api.GetEpDevices(env, &devices, &count));
  if (!st.IsOK()) return Status::Internal("listing ONNX Runtime's EP devices failed: " + st.GetErrorMessage());
  std::vector<EpDeviceInfo> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const OrtEpDevice* d = devices[i];
    const OrtHardwareDevice* hw = api.EpDevice_Device(d);
    EpDeviceInfo info;
    info.ep_name = api.EpDevice_EpName(d);
    info.ep_vendor = api.EpDevice_EpVendor(d);
    info.device_type = TypeName(api.HardwareDevice_Type(hw));
    info.device_vendor = api.HardwareDevice_Vendor(hw);
    info.vendor_id = api.HardwareDevice_VendorId(hw);
    info.device_id = api.HardwareDevice_DeviceId(hw);
    info.ep_metadata = CopyPairs(api.EpDevice_EpMetadata(d));
    info.ep_options = CopyPairs(api.EpDevice_EpOptions(d));
    info.device_metadata = CopyPairs(api.HardwareDevice_Metadata(hw));
    out.push_back(std::move(info));
  }
  return out;
}

std::string EpNamesOf(const std::vector<EpDeviceInfo>& devices) {
  std::vector<std::string> names;
  for (const EpDeviceInfo& d : devices)
    if (std::find(names.begin(), names.end(), d.ep_name) == names.end()) names.push_back(d.ep_name);
  return JoinNames(names);
}

std::string DescribeEpDevice(const EpDeviceInfo& d) {
  return d.ep_name + " (vendor " + d.ep_vendor + ") " + d.device_type + " device: vendor '" + d.device_vendor +
         "' id " + Hex(d.vendor_id) + ", device id " + Hex(d.device_id) + "; ep options: " + Join(d.ep_options) +
         "; ep metadata: " + Join(d.ep_metadata) + "; device metadata: " + Join(d.device_metadata);
}

Status ChooseEpDevices(const std::vector<EpDeviceInfo>& devices, const std::string& ep_name, bool gpu_instance,
                       int device_id, const std::vector<std::string>& libraries_without_devices,
                       std::vector<size_t>* chosen) {
  chosen->clear();
  const std::string list = gpu_instance ? "gpu_execution_accelerator" : "cpu_execution_accelerator";
  std::vector<size_t> of_ep;
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].ep_name == ep_name) of_ep.push_back(i);
  if (of_ep.empty()) return UnknownEp(list, ep_name, devices, libraries_without_devices);
  if (gpu_instance) {
    int nth_gpu = 0;
    for (size_t i : of_ep) {
      const EpDeviceInfo& d = devices[i];
      if (d.device_type != "GPU") continue;
      const std::string* id = Find(d.ep_options, "device_id");
      if (id == nullptr) id = Find(d.ep_metadata, "device_id");
      const bool match = id != nullptr ? *id == std::to_string(device_id) : nth_gpu == device_id;
      ++nth_gpu;
      if (match) {
        chosen->push_back(i);
        return Status::Ok();
      }
    }
    std::vector<EpDeviceInfo> offered;
    for (size_t i : of_ep) offered.push_back(devices[i]);
    return Status::InvalidArgument("gpu_execution_accelerator '" + ep_name + "' offers no device for GPU " +
                                   std::to_string(device_id) +
                                   " (the instance's device); it offers: " + Offered(offered));
  }
  for (size_t i : of_ep)
    if (devices[i].device_type != "GPU") chosen->push_back(i);
  if (chosen->empty())
    return Status::InvalidArgument("cpu_execution_accelerator '" + ep_name +
                                   "' offers only GPU devices; list it under gpu_execution_accelerator for GPU "
                                   "instances (instance_group kind KIND_GPU)");
  return Status::Ok();
}

Status CheckPluginEpNames(Ort::Env& env, const EpLibraryRegistry& registry, const ExecutionProviderSettings& eps) {
  if (eps.gpu_plugin_eps.empty() && eps.cpu_plugin_eps.empty()) return Status::Ok();
  auto devices = ListEpDevices(env);
  if (!devices.ok()) return devices.status();
  auto offered = [&](const std::string& name) {
    return std::any_of(devices.value().begin(), devices.value().end(),
                       [&](const EpDeviceInfo& d) { return d.ep_name == name; });
  };
  for (const auto& ep : eps.gpu_plugin_eps)
    if (!offered(ep.name))
      return UnknownEp("gpu_execution_accelerator", ep.name, devices.value(), registry.LibrariesWithoutDevices());
  for (const auto& ep : eps.cpu_plugin_eps)
    if (!offered(ep.name))
      return UnknownEp("cpu_execution_accelerator", ep.name, devices.value(), registry.LibrariesWithoutDevices());
  return Status::Ok();
}

Status AppendPluginEp(Ort::Env& env, const EpLibraryRegistry& registry, const ExecutionProviderSettings::PluginEp& ep,
                      bool gpu_instance, int device_id, Ort::SessionOptions* so) {
  const OrtApi& api = Ort::GetApi();
  const OrtEpDevice* const* all = nullptr;
  size_t count = 0;
  Ort::Status st(api.GetEpDevices(env, &all, &count));
  if (!st.IsOK()) return Status::Internal("listing ONNX Runtime's EP devices failed: " + st.GetErrorMessage());
  auto infos = ListEpDevices(env);
  if (!infos.ok()) return infos.status();
  std::vector<size_t> chosen;
  ORTB_RETURN_IF_ERROR(
      ChooseEpDevices(infos.value(), ep.name, gpu_instance, device_id, registry.LibrariesWithoutDevices(), &chosen));
  std::vector<const OrtEpDevice*> devices;
  for (size_t i : chosen) devices.push_back(all[i]);
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : ep.options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  st = Ort::Status(api.SessionOptionsAppendExecutionProvider_V2(*so, env, devices.data(), devices.size(), keys.data(),
                                                                values.data(), keys.size()));
  if (!st.IsOK())
    return Status::InvalidArgument("execution provider '" + ep.name +
                                   "' could not be added to the session: " + st.GetErrorMessage());
  return Status::Ok();
}

Status ApplyEpSelectionPolicy(Ort::Env& env, EpSelectionPolicy policy, Ort::SessionOptions* so) {
  static constexpr OrtExecutionProviderDevicePolicy kOrt[] = {
      OrtExecutionProviderDevicePolicy_DEFAULT,           OrtExecutionProviderDevicePolicy_PREFER_CPU,
      OrtExecutionProviderDevicePolicy_PREFER_NPU,        OrtExecutionProviderDevicePolicy_PREFER_GPU,
      OrtExecutionProviderDevicePolicy_MAX_PERFORMANCE,   OrtExecutionProviderDevicePolicy_MAX_EFFICIENCY,
      OrtExecutionProviderDevicePolicy_MIN_OVERALL_POWER,
  };
  const char* needs = policy == EpSelectionPolicy::kPreferGpu   ? "GPU"
                      : policy == EpSelectionPolicy::kPreferNpu ? "NPU"
                                                                : nullptr;
  if (needs != nullptr) {
    auto devices = ListEpDevices(env);
    if (!devices.ok()) return devices.status();
    const bool found = std::any_of(devices.value().begin(), devices.value().end(),
                                   [&](const EpDeviceInfo& d) { return d.device_type == needs; });
    if (!found)
      return Status::InvalidArgument(std::string("parameter 'ep_selection_policy' is ") +
                                     EpSelectionPolicyName(policy) + ", but no execution provider offers a " + needs +
                                     " device on this machine (EP devices offered: " + Offered(devices.value()) +
                                     "); register an EP library for one, or choose another policy");
  }
  Ort::Status st(Ort::GetApi().SessionOptionsSetEpSelectionPolicy(*so, kOrt[static_cast<int>(policy)]));
  if (!st.IsOK())
    return Status::InvalidArgument(std::string("setting ep_selection_policy ") + EpSelectionPolicyName(policy) +
                                   " failed: " + st.GetErrorMessage());
  return Status::Ok();
}

}  // namespace ortbackend
