#pragma once
// Whether a loaded model instance can still run requests, decided from what
// it can observe without running anything. TRITONBACKEND_ModelInstanceReady
// (backend API 1.19; servers that look it up ask it when a client asks
// whether the model is ready) reports the result.
//
// Pure: the caller gathers the facts (src/instance_state.cc), so the rule is
// unit-tested without a server or a GPU.

#include <string>

#include "common/status.h"

namespace ortbackend {

// cudaStreamQuery's "work still queued": a busy stream is a healthy one.
constexpr int kCudaErrorNotReady = 600;

struct InstanceHealth {
  std::string instance;  // the instance's name, for the message
  bool has_session = false;
  bool gpu = false;  // a KIND_GPU instance, with a stream of its own
  int device = -1;   // its GPU
  // cudaStreamQuery on the instance's stream: 0 (idle) or kCudaErrorNotReady
  // (busy) when healthy. Any other value is an error; after a kernel fault
  // (an illegal address, say) CUDA makes it sticky: every later call on the
  // device fails, so the instance cannot run again in this process.
  int stream_query = 0;
  std::string stream_error;  // CUDA's text for stream_query
};

// Ok when the instance can run; Unavailable, naming the instance and the
// cause, when it has no session or its CUDA stream reports an error.
Status CheckInstanceReady(const InstanceHealth& health);

}  // namespace ortbackend
