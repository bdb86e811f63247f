#pragma once
// What CUDA graphs demand of a model, and which graph a run replays. Pure
// rules, unit-tested in the CPU build.

#include <cstdint>

#include "common/status.h"
#include "tensor/tensor_spec.h"

namespace ortbackend {

// CUDA graphs replay fixed shapes at fixed addresses, so every input must
// have fixed dims (the batch dim aside: each batch size gets its own graph),
// no BYTES tensors, and every output's shape must be known before the run.
// Ok, or a load error naming the tensor that breaks the rule (the caller
// adds the model's name, as for every instance load error).
Status CheckCudaGraphShapes(const ExecutionSpec& spec);

// ORT's "gpu_graph_id" for a run: one graph per batch size (ids start at 1;
// ORT reserves 0), or -1 (no capture, no replay) when an optional input is
// absent, since a graph is captured for one set of inputs.
int64_t CudaGraphId(const ExecutionSpec& spec, int64_t total_batch, bool all_inputs_present);

}  // namespace ortbackend
