#pragma once
// The EP devices ONNX Runtime offers (GetEpDevices: one entry per execution
// provider and hardware device it can use, from ORT's built-in EPs and from
// registered EP libraries), and choosing them for a session: by EP name
// (SessionOptionsAppendExecutionProvider_V2, with the EP's options) or by
// ORT's automatic selection policy (SessionOptionsSetEpSelectionPolicy).

#include <string>
#include <utility>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/execution_providers.h"
#include "config/plugin_eps.h"

namespace ortbackend {

class EpLibraryRegistry;

using KeyValueList = std::vector<std::pair<std::string, std::string>>;

// One OrtEpDevice, copied out of ORT.
struct EpDeviceInfo {
  std::string ep_name;  // what execution_accelerators names
  std::string ep_vendor;
  std::string device_type;  // "CPU", "GPU" or "NPU"
  std::string device_vendor;
  uint32_t vendor_id = 0;
  uint32_t device_id = 0;  // the hardware's (PCI) device id, not a CUDA ordinal
  KeyValueList ep_metadata;
  KeyValueList ep_options;  // defaults the EP gives this device (e.g. device_id=0)
  KeyValueList device_metadata;

  bool operator==(const EpDeviceInfo& o) const {
    return ep_name == o.ep_name && device_type == o.device_type && vendor_id == o.vendor_id &&
           device_id == o.device_id && ep_options == o.ep_options && device_metadata == o.device_metadata;
  }
};

StatusOr<std::vector<EpDeviceInfo>> ListEpDevices(Ort::Env& env);

// The distinct EP names of `devices`, in order, joined by ", ".
std::string EpNamesOf(const std::vector<EpDeviceInfo>& devices);

// "OrtbTestMul (vendor ortb-test) CPU device: vendor 'AMD' id 0x0, device id 0x0; ep options: ...".
std::string DescribeEpDevice(const EpDeviceInfo& device);

// Which of `devices` (ListEpDevices' order) an instance uses for the plugin
// EP `ep_name`: on a GPU instance the EP's GPU device for CUDA device
// `device_id` -- the one whose EP options or metadata say device_id=N, or,
// where the EP says nothing, its N-th GPU device -- and never another; on a
// CPU instance every CPU or NPU device of the EP. `list` names the config
// list for messages; `libraries_without_devices` ("NAME (PATH)") explains an
// EP name nobody offers. Errors name the EP, the instance and what is offered.
Status ChooseEpDevices(const std::vector<EpDeviceInfo>& devices, const std::string& ep_name, bool gpu_instance,
                       int device_id, const std::vector<std::string>& libraries_without_devices,
                       std::vector<size_t>* chosen);

// Checks, at model load, that every plugin EP name of both accelerator lists
// is an EP that ORT offers a device of (whatever the instances' kind, so a
// misspelt name fails the load everywhere); the error is ChooseEpDevices'.
Status CheckPluginEpNames(Ort::Env& env, const EpLibraryRegistry& registry, const ExecutionProviderSettings& eps);

// Appends the plugin EP `ep` to `so` with the devices ChooseEpDevices picks,
// and its options (the instance's device_id is the EP device's own).
Status AppendPluginEp(Ort::Env& env, const EpLibraryRegistry& registry, const ExecutionProviderSettings::PluginEp& ep,
                      bool gpu_instance, int device_id, Ort::SessionOptions* so);

// Sets ORT's selection policy on `so`. PREFER_GPU / PREFER_NPU need an EP
// device of that type (ORT would quietly fall back to the CPU otherwise):
// without one it is an error naming the policy and the devices offered.
Status ApplyEpSelectionPolicy(Ort::Env& env, EpSelectionPolicy policy, Ort::SessionOptions* so);

}  // namespace ortbackend
