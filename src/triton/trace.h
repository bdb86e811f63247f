#pragma once
// The backend's own steps of a traced request, reported as custom trace
// activities (TRITONSERVER_InferenceTraceReportActivity) next to the
// server's QUEUE_START, COMPUTE_START, ... : gathering the inputs, the ONNX
// Runtime run, scattering the outputs, each as a _START/_END pair (which the
// server's OpenTelemetry mode turns into spans).
//
// The function exists only in newer servers, so it is looked up at run time;
// without it (or with no traced request in a group) a group costs one
// TRITONBACKEND_RequestTrace call per request and nothing else.

#include <array>
#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "triton_api/tritonbackend_api.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

enum class TraceStep { kGatherStart, kGatherEnd, kRunStart, kRunEnd, kScatterStart, kScatterEnd, kCount };

// The activity name of `step`, e.g. "ORT_RUN_START".
const char* TraceStepName(TraceStep step);

// The server's report function, or null when it has none (said once, in
// the log, on the first call).
TRITONSERVER_InferenceTraceReportActivityFn TraceReportFunction();

// One group's traced requests and the times of its steps. Reused across
// groups (Begin clears it), so it allocates only while it grows.
class GroupTracer {
 public:
  // Starts a group: false when the server cannot take backend activities
  // (then Add, Stamp and Report do nothing).
  bool Begin();
  // Adds one request of the group, if it is traced.
  void Add(TRITONBACKEND_Request* request);
  void Stamp(TraceStep step, uint64_t ns) {
    if (!traces_.empty()) stamps_[static_cast<size_t>(step)] = ns;
  }
  void Stamp(TraceStep step) {
    if (!traces_.empty()) stamps_[static_cast<size_t>(step)] = NowNs();
  }
  // Sends every stamped step to every traced request of the group (the
  // traces stay valid until the requests are released).
  void Report();

 private:
  std::vector<TRITONSERVER_InferenceTrace*> traces_;
  std::array<uint64_t, static_cast<size_t>(TraceStep::kCount)> stamps_{};
};

}  // namespace ortbackend
