#include "ort/environment.h"

#include "ort/ort_try.h"

namespace ortbackend {

StatusOr<std::unique_ptr<OrtEnvironment>> OrtEnvironment::Create(const BackendSettings& settings) {
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
  return std::unique_ptr<OrtEnvironment>(new OrtEnvironment(std::move(env), settings.enable_global_threadpool));
}

}  // namespace ortbackend
