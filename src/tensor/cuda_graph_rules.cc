#include "tensor/cuda_graph_rules.h"

namespace ortbackend {

Status CheckCudaGraphShapes(const ExecutionSpec& spec) {
  // No model name here: instance load errors get it from the caller.
  const std::string head =
      "CUDA graphs (optimization.cuda.graphs or the CUDA accelerator's enable_cuda_graph) "
      "need fixed shapes, but ";
  for (const TensorSpec& t : spec.inputs) {
    if (t.is_bytes()) return Status::InvalidArgument(head + "input '" + t.name + "' is BYTES");
    for (int64_t d : t.dims)
      if (d < 0)
        return Status::InvalidArgument(head + "input '" + t.name + "' has a variable dim (" + ShapeToString(t.dims) +
                                       (spec.batching() ? " after the batch dim" : "") +
                                       "); fix it in the model or the config, or turn CUDA graphs off");
  }
  if (!spec.batch_inputs.empty())
    return Status::InvalidArgument(head + "batch_input '" + spec.batch_inputs[0].target +
                                   "' changes shape with the requests batched together; turn CUDA graphs off");
  for (const TensorSpec& t : spec.outputs) {
    if (t.is_bytes()) return Status::InvalidArgument(head + "output '" + t.name + "' is BYTES");
    if (t.shape_recipe.empty())
      return Status::InvalidArgument(head + "the shape of output '" + t.name +
                                     "' cannot be known before the run; fix its dims in the model or turn CUDA "
                                     "graphs off");
  }
  return Status::Ok();
}

int64_t CudaGraphId(const ExecutionSpec& spec, int64_t total_batch, bool all_inputs_present) {
  if (!all_inputs_present) return -1;
  return spec.batching() ? total_batch : 1;
}

}  // namespace ortbackend
