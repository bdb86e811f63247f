#pragma once
// The process-wide registry of ONNX Runtime plugin EP libraries ("EP ABI":
// shared libraries exporting CreateEpFactories, registered with
// RegisterExecutionProviderLibrary). Owned by OrtEnvironment, so a library
// is registered once per process (from the backend config at initialize, or
// from a model's ep_library parameter at its load) and unregistered when the
// environment goes, at backend finalize, after every session is gone.
// Thread-safe: models load in parallel.

#include <mutex>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/plugin_eps.h"
#include "ort/ep_devices.h"

namespace ortbackend {

class EpLibraryRegistry {
 public:
  // `env` must outlive the registry.
  explicit EpLibraryRegistry(Ort::Env* env) : env_(env) {}
  EpLibraryRegistry(const EpLibraryRegistry&) = delete;
  EpLibraryRegistry& operator=(const EpLibraryRegistry&) = delete;
  ~EpLibraryRegistry();  // unregisters every library, newest first

  // Registers `spec` with ORT unless this registry already has it (then it
  // is a no-op). The same name with another path, a file that cannot be
  // loaded, or a library without CreateEpFactories is an error naming it.
  // `*devices` (may be null) gets the EP devices the library added (also
  // when it was registered already); empty when it offers none here.
  Status Register(const EpLibrarySpec& spec, std::vector<EpDeviceInfo>* devices = nullptr);

  // Libraries that offered no EP device when they were registered (e.g.
  // OpenVINO's plugin on a machine without an Intel device), as "NAME (PATH)".
  std::vector<std::string> LibrariesWithoutDevices() const;
  // Every registered library, as "NAME (PATH)".
  std::vector<std::string> Libraries() const;

 private:
  struct Entry {
    EpLibrarySpec spec;
    std::vector<EpDeviceInfo> devices;
  };
  Ort::Env* env_;
  mutable std::mutex mutex_;
  std::vector<Entry> registered_;
};

}  // namespace ortbackend
