#include "ort/environment.h"

#include <cstdio>

#include "ort/ort_try.h"

namespace ortbackend {

std::string OrtLibraryVersion() { return OrtGetApiBase()->GetVersionString(); }

Status RequireOrtVersion(const std::string& feature, int major, int minor) {
  const std::string version = OrtLibraryVersion();
  int have_major = 0, have_minor = 0;
  if (sscanf(version.c_str(), "%d.%d", &have_major, &have_minor) == 2 &&
      (have_major > major || (have_major == major && have_minor >= minor)))
    return Status::Ok();
  return Status::Unsupported(feature + " needs ONNX Runtime " + std::to_string(major) + "." + std::to_string(minor) +
                             " or newer, but the loaded ONNX Runtime library is " + version);
}

StatusOr<std::unique_ptr<OrtEnvironment>> OrtEnvironment::Create(const BackendSettings& settings) {
  // The C++ API asks the library for the API version of the headers it was
  // built with (ORT_API_VERSION, 23: the plugin EP API); an older library
  // answers null, and every later call would crash.
  if (OrtGetApiBase()->GetApi(ORT_API_VERSION) == nullptr)
    return Status::Unsupported("this backend was built with the ONNX Runtime C API version " +
                               std::to_string(ORT_API_VERSION) + " (ONNX Runtime 1." + std::to_string(ORT_API_VERSION) +
                               ", needed for plugin execution providers) and needs "
                               "ONNX Runtime 1." +
                               std::to_string(ORT_API_VERSION) + " or newer, but the loaded library is " +
                               OrtLibraryVersion());
  Ort::Env env{nullptr};
  Status s = OrtTry("creating the ONNX Runtime environment", [&] {
    if (settings.enable_global_threadpool) {
      Ort::ThreadingOptions threading;
      threading.SetGlobalIntraOpNumThreads(settings.global_intra_op_threads);
      threading.SetGlobalInterOpNumThreads(settings.global_inter_op_threads);
      env = Ort::Env(threading, ORT_LOGGING_LEVEL_WARNING, "triton-onnxruntime");
    } else {
      env = Ort::Env(ORT_LOGGING_LEVEL_WARNING, "triton-onnxruntime");
    }
    // Telemetry is a no-op on Linux builds, but say what we mean.
    env.DisableTelemetryEvents();
  });
  ORTB_RETURN_IF_ERROR(s);
  std::unique_ptr<OrtEnvironment> out(new OrtEnvironment(std::move(env), settings.enable_global_threadpool));
  if (!settings.ep_libraries.empty())
    ORTB_RETURN_IF_ERROR(RequireOrtVersion("registering EP libraries (ep-library)", 1, 22));
  for (const EpLibrarySpec& lib : settings.ep_libraries) ORTB_RETURN_IF_ERROR(out->ep_libraries().Register(lib));
  return out;
}

}  // namespace ortbackend
