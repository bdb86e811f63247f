#pragma once
// One model instance: its ORT session and the buffers it reuses across
// calls. Execute is a short pipeline per group of compatible requests:
// gather inputs -> run -> scatter outputs -> report statistics; then every
// response is sent and every request released.

#include <map>
#include <memory>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/host_policy.h"
#include "execute/cuda_graph_slot.h"
#include "execute/input_gatherer.h"
#include "execute/output_scatterer.h"
#include "execute/request_batch.h"
#include "execute/responder.h"
#include "gpu/capture_gate.h"
#include "gpu/instance_gpu.h"
#include "model_state.h"
#include "tensor/tensor_spec.h"
#include "triton/metrics.h"
#include "triton/trace.h"

namespace ortbackend {

class ModelInstanceState {
 public:
  static Status Create(ModelState* model, TRITONBACKEND_ModelInstance* instance,
                       std::unique_ptr<ModelInstanceState>* out);

  // Takes ownership of the requests; all are responded to and released.
  void Execute(TRITONBACKEND_Request** requests, uint32_t count);

  // Ok while the instance can run requests (CheckInstanceReady's rule). May
  // be called from any thread, also while Execute runs: it only reads what
  // Create set and asks the CUDA stream, which waits for nothing.
  Status Ready() const;
  const std::string& model_name() const { return model_->name(); }

 private:
  ModelInstanceState(ModelState* model, TRITONBACKEND_ModelInstance* instance);
  // The pipeline's steps. RunGroup runs one group of compatible requests:
  // plan, gather -> run -> scatter (stopping at the first failed step), then
  // the clean-up and bookkeeping every group gets, failed or not.
  struct CopyCounters {
    uint64_t input_bytes = 0, output_bytes = 0;      // copied by the gatherer and the scatterer
    uint64_t device_inputs = 0, device_outputs = 0;  // read or written in place in GPU memory
  };
  struct GroupTimes {
    uint64_t start = 0;
    uint64_t compute_start = 0, compute_end = 0;  // 0: the group stopped before its run
  };
  void SelectDevice();
  CopyCounters Counters() const;
  void RecordCopies(const CopyCounters& before, uint32_t count);
  void RunGroup(size_t g);
  gpu::CaptureGate::Entry EnterCaptureGate(const RunPlan& plan);
  Status GatherRunScatter(const RunPlan& plan, GroupTimes* times);
  void RecordGroup(const RunPlan& plan, GroupTimes times, bool ok);
  Status SetUpGpu(int device_id);
  Status MakeRunOptions(int64_t graph_id, Ort::RunOptions* out) const;
  // The run options of the plan's CUDA graph (none: the instance's), made on first use.
  StatusOr<Ort::RunOptions*> RunOptionsFor(const RunPlan& plan);

  ModelState* model_;
  TRITONBACKEND_ModelInstance* instance_;
  std::string name_;
  // Its name is what the batch reads inputs under, so it lives as long as the instance.
  HostPolicy host_policy_;
  // GPU instances only; declared before the session so that it outlives it
  // (ORT computes on its stream until the session is gone).
  std::unique_ptr<InstanceGpu> gpu_;
  std::shared_ptr<Ort::Session> session_;
  Ort::RunOptions run_options_{nullptr};
  // GPU instances with CUDA graphs: each graph's buffers and run options, by
  // graph id (a map: the plans point into it, so its entries must not move).
  std::map<int64_t, CudaGraphSlot> graphs_;
  ExecutionSpec spec_;
  // One entry per successful run of this Execute, reported to Triton once
  // the execution has ended (reporting is bookkeeping, not execution).
  std::vector<RunStats> runs_;
  // This Execute's runs, for the metrics (reported once, at its end).
  ExecutionTally tally_;
  InstanceMetrics metrics_;
  GroupTracer tracer_;  // the current group's traced requests, if any
  RequestBatch batch_;
  InputGatherer gatherer_;
  OutputScatterer scatterer_;
  // Synchronous for a CPU instance; a GPU instance sends responses from a
  // thread of the responder's own (see responder.h). Last: destroyed first,
  // so everything it sends is sent while the rest of the instance still exists.
  std::unique_ptr<Responder> responder_;
};

}  // namespace ortbackend
