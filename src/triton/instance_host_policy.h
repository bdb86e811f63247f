#pragma once
// Reads an instance's host policy from the server.

#include "common/status.h"
#include "config/host_policy.h"
#include "triton_api/tritonbackend_api.h"

namespace ortbackend {

// TRITONBACKEND_ModelInstanceHostPolicy, parsed. The server names a policy
// for every instance ("cpu", "gpu_<device>", or the instance group's
// `host_policy`), with the settings `--host-policy` gave it.
Status ReadInstanceHostPolicy(TRITONBACKEND_ModelInstance* instance, HostPolicy* out);

}  // namespace ortbackend
