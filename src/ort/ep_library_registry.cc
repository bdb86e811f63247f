#include "ort/ep_library_registry.h"

#include <dlfcn.h>

#include <algorithm>

#include "ort/ep_devices.h"

namespace ortbackend {
namespace {

// ORT's own message for a bad library is about its loader; checking the file
// first lets the error say which of the two usual mistakes it is.
Status CheckIsEpLibrary(const EpLibrarySpec& spec) {
  // Lazy: a provider-bridge library (the CUDA provider of onnxruntime-gpu)
  // calls functions of libonnxruntime_providers_shared.so, which ONNX Runtime
  // loads before it when it registers the library; binding them now would
  // fail this check (seen on the GPU: "undefined symbol: Provider_GetHost").
  void* handle = dlopen(spec.path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::InvalidArgument("EP library '" + spec.name + "': cannot load '" + spec.path +
                                   "': " + (why != nullptr ? why : "unknown dlopen error"));
  }
  const bool has_factory = dlsym(handle, "CreateEpFactories") != nullptr;
  dlclose(handle);
  if (!has_factory)
    return Status::InvalidArgument("EP library '" + spec.name + "': '" + spec.path +
                                   "' is not an ONNX Runtime execution provider library: it does not export "
                                   "CreateEpFactories (the plugin EP entry point, ONNX Runtime 1.22 and newer)");
  return Status::Ok();
}

}  // namespace

EpLibraryRegistry::~EpLibraryRegistry() {
  for (auto it = registered_.rbegin(); it != registered_.rend(); ++it) {
    // Nothing to report to at this point (finalize); a failure here only
    // means ORT already forgot the library.
    OrtStatus* s = Ort::GetApi().UnregisterExecutionProviderLibrary(*env_, it->spec.name.c_str());
    if (s != nullptr) Ort::GetApi().ReleaseStatus(s);
  }
}

Status EpLibraryRegistry::Register(const EpLibrarySpec& spec, std::vector<EpDeviceInfo>* devices) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& e : registered_) {
    if (e.spec.name != spec.name) continue;
    if (e.spec.path != spec.path)
      return Status::InvalidArgument("EP library name '" + spec.name + "' is already registered for '" + e.spec.path +
                                     "', so it cannot also name '" + spec.path + "'; give each library its own name");
    if (devices != nullptr) *devices = e.devices;
    return Status::Ok();
  }
  ORTB_RETURN_IF_ERROR(CheckIsEpLibrary(spec));
  auto before = ListEpDevices(*env_);
  if (!before.ok()) return before.status();
  Ort::Status st(Ort::GetApi().RegisterExecutionProviderLibrary(*env_, spec.name.c_str(), spec.path.c_str()));
  if (!st.IsOK())
    return Status::InvalidArgument("EP library '" + spec.name + "' ('" + spec.path +
                                   "'): ONNX Runtime could not register it: " + st.GetErrorMessage());
  Entry entry{spec, {}};
  auto after = ListEpDevices(*env_);
  if (after.ok()) {
    // The library's devices are the ones that were not there before.
    for (const EpDeviceInfo& d : after.value())
      if (std::find(before.value().begin(), before.value().end(), d) == before.value().end())
        entry.devices.push_back(d);
  }
  if (devices != nullptr) *devices = entry.devices;
  registered_.push_back(std::move(entry));
  return after.ok() ? Status::Ok() : after.status();
}

std::vector<std::string> EpLibraryRegistry::LibrariesWithoutDevices() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const Entry& e : registered_)
    if (e.devices.empty()) out.push_back(e.spec.name + " (" + e.spec.path + ")");
  return out;
}

std::vector<std::string> EpLibraryRegistry::Libraries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const Entry& e : registered_) out.push_back(e.spec.name + " (" + e.spec.path + ")");
  return out;
}

}  // namespace ortbackend
