#include "instance_readiness.h"

namespace ortbackend {

Status CheckInstanceReady(const InstanceHealth& health) {
  const std::string who = "instance '" + health.instance + "' is not ready: ";
  if (!health.has_session) return Status::Unavailable(who + "it has no ONNX Runtime session");
  if (health.gpu && health.stream_query != 0 && health.stream_query != kCudaErrorNotReady)
    return Status::Unavailable(who + "its CUDA stream on GPU " + std::to_string(health.device) +
                               " reports CUDA error " + std::to_string(health.stream_query) + " (" +
                               (health.stream_error.empty() ? "?" : health.stream_error) +
                               "); a CUDA error of this kind stays for the life of the process, so restart the "
                               "server");
  return Status::Ok();
}

}  // namespace ortbackend
