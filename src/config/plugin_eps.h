#pragma once
// Plain data for ONNX Runtime's plugin execution providers (EP libraries):
// the libraries to register (backend config `ep-library`, model parameter
// `ep_library`) and the automatic device-selection policy (model parameter
// `ep_selection_policy`). Nothing here calls ORT; ort/ep_library_registry.h
// registers the libraries and ort/ep_devices.h applies the choices.

#include <string>
#include <vector>

#include "common/status.h"

namespace ortbackend {

// One EP library: the name it is registered under with ORT, and its file.
struct EpLibrarySpec {
  std::string name;
  std::string path;
  bool operator==(const EpLibrarySpec& o) const { return name == o.name && path == o.path; }
};

// Reads "NAME:PATH", or several separated by ';' ("a:/x.so;b:/y.so"), and
// appends them to `out`. `where` names the setting in error messages. A name
// may not repeat with another path.
Status ParseEpLibraryList(const std::string& where, const std::string& value, std::vector<EpLibrarySpec>* out);

// ORT's OrtExecutionProviderDevicePolicy, by the names users write.
enum class EpSelectionPolicy {
  kNone,  // not set: the backend appends the providers the config names
  kPreferCpu,
  kPreferNpu,
  kPreferGpu,
  kMaxPerformance,
  kMaxEfficiency,
  kMinOverallPower,
};

// "PREFER_CPU", ... (the names ORT documents); false for anything else.
bool ParseEpSelectionPolicy(const std::string& value, EpSelectionPolicy* out);
const char* EpSelectionPolicyName(EpSelectionPolicy policy);
// "PREFER_CPU, PREFER_NPU, ..." for error messages.
std::string EpSelectionPolicyNames();

}  // namespace ortbackend
