#include "tensor/memory_placement.h"

namespace ortbackend {
namespace {

std::string Where(MemoryLocation where) {
  return where.gpu ? "GPU " + std::to_string(where.device) + " memory" : "CPU memory";
}

}  // namespace

Status CheckInputLocation(const std::string& model, const TensorSpec& input, MemoryLocation where, int gpu_device,
                          bool gpu_build) {
  if (!where.gpu) return Status::Ok();
  const std::string what = "model '" + model + "', input '" + input.name + "': data is in " + Where(where);
  if (!gpu_build)
    return Status::Unsupported(what +
                               ", which this backend cannot read: it was built without GPU support "
                               "(rebuild with -DTRITON_ENABLE_GPU=ON), so send the input in CPU memory");
  if (gpu_device < 0)
    return Status::Unsupported(what +
                               ", but the request ran on a KIND_CPU instance, which reads CPU memory only; "
                               "send the input in CPU memory or use a KIND_GPU instance");
  if (input.is_bytes())
    return Status::Unsupported(what + ", but BYTES inputs are decoded on the host and must be sent in CPU memory");
  return Status::Ok();
}

InputRoute RouteInput(const ChunkSummary& chunks, int gpu_device, bool cuda_graphs) {
  // Only one request's one buffer can be handed to ORT as it is.
  const bool single = chunks.requests == 1 && chunks.chunks == 1;
  if (gpu_device < 0) return single ? InputRoute::kWrapHost : InputRoute::kStageHost;
  if (cuda_graphs) return InputRoute::kStageDevice;
  if (single) {
    if (chunks.gpu_chunks == 0) return InputRoute::kWrapHost;
    return chunks.gpu_on_other_device ? InputRoute::kStageDevice : InputRoute::kWrapDevice;
  }
  // Several buffers become one tensor: in device memory when any part is
  // already there (one copy each), else in pinned host memory, from which
  // ORT's own host-to-device copy is asynchronous and at full bus speed.
  return chunks.gpu_chunks > 0 ? InputRoute::kStageDevice : InputRoute::kStageHost;
}

OutputRoute RouteBoundOutput(MemoryLocation where, int gpu_device) {
  if (!where.gpu) return OutputRoute::kBindHost;
  return gpu_device >= 0 && where.device == gpu_device ? OutputRoute::kBindDevice : OutputRoute::kReject;
}

std::string OutputLocationError(const std::string& model, const TensorSpec& output, MemoryLocation where,
                                int gpu_device, bool gpu_build) {
  const std::string what =
      "model '" + model + "', output '" + output.name + "': the response buffer is in " + Where(where);
  if (!gpu_build)
    return what +
           ", which this backend cannot write: it was built without GPU support (rebuild with "
           "-DTRITON_ENABLE_GPU=ON), so ask for the output in CPU memory";
  if (gpu_device < 0)
    return what +
           ", but the request ran on a KIND_CPU instance, which writes CPU memory only; ask for the output "
           "in CPU memory or use a KIND_GPU instance";
  if (output.is_bytes()) return what + ", but BYTES outputs are encoded on the host and must be returned in CPU memory";
  return what + ", but the instance runs on GPU " + std::to_string(gpu_device) +
         "; register the output region on that GPU";
}

}  // namespace ortbackend
