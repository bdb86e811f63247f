#pragma once
// Tells Triton how much memory an instance holds, so it shows in the model's
// statistics (memory_usage).

#include <cstdint>

#include "common/status.h"
#include "triton_api/tritonbackend_api.h"

namespace ortbackend {

Status ReportInstanceMemory(TRITONBACKEND_ModelInstance* instance, TRITONSERVER_MemoryType type, int64_t device_id,
                            uint64_t bytes);

}  // namespace ortbackend
