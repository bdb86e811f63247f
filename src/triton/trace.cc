#include "triton/trace.h"

#include "triton/error.h"
#include "triton/log.h"
#include "triton_api/server_functions.h"

namespace ortbackend {

const char* TraceStepName(TraceStep step) {
  switch (step) {
    case TraceStep::kGatherStart: return "ORT_GATHER_START";
    case TraceStep::kGatherEnd: return "ORT_GATHER_END";
    case TraceStep::kRunStart: return "ORT_RUN_START";
    case TraceStep::kRunEnd: return "ORT_RUN_END";
    case TraceStep::kScatterStart: return "ORT_SCATTER_START";
    case TraceStep::kScatterEnd: return "ORT_SCATTER_END";
    case TraceStep::kCount: break;
  }
  return "ORT_UNKNOWN";
}

TRITONSERVER_InferenceTraceReportActivityFn TraceReportFunction() {
  // Optional in the server-function table: servers before the
  // custom-activity API must still load the backend.
  static const TRITONSERVER_InferenceTraceReportActivityFn fn = [] {
    TRITONSERVER_InferenceTraceReportActivityFn f =
        triton_api::server_functions.TRITONSERVER_InferenceTraceReportActivity;
    if (f == nullptr)
      ORTB_LOG_INFO(
          "onnxruntime backend: this server has no TRITONSERVER_InferenceTraceReportActivity, so traces "
          "show no backend activities (ORT_GATHER/RUN/SCATTER)");
    return f;
  }();
  return fn;
}

bool GroupTracer::Begin() {
  traces_.clear();
  stamps_.fill(0);
  return TraceReportFunction() != nullptr;
}

void GroupTracer::Add(TRITONBACKEND_Request* request) {
  TRITONSERVER_InferenceTrace* trace = nullptr;
  TRITONSERVER_Error* err = TRITONBACKEND_RequestTrace(request, &trace);
  if (err != nullptr)
    TRITONSERVER_ErrorDelete(err);  // an untraceable request is simply not traced
  else if (trace != nullptr)
    traces_.push_back(trace);
}

void GroupTracer::Report() {
  if (traces_.empty()) return;  // the common case: nothing traced
  TRITONSERVER_InferenceTraceReportActivityFn report = TraceReportFunction();
  if (report == nullptr) return;
  for (TRITONSERVER_InferenceTrace* trace : traces_)
    for (size_t i = 0; i < stamps_.size(); ++i) {
      if (stamps_[i] == 0) continue;  // a step the group did not reach (it failed before)
      Status s = FromTritonError(report(trace, stamps_[i], TraceStepName(static_cast<TraceStep>(i))),
                                 "reporting a trace activity");
      if (!s.ok()) ORTB_LOG_VERBOSE("onnxruntime backend: " + s.message());
    }
  traces_.clear();
}

}  // namespace ortbackend
