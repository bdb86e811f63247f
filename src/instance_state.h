#pragma once
// One model instance: its ORT session, the state its lanes share, and its
// lanes (execution_lane.h). With one lane, Execute runs the batch to its end
// on Triton's thread; with several, it hands the batch to a free lane of the
// instance's BatchPipeline and returns (execute/batch_pipeline.h).

#include <map>
#include <memory>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "config/host_policy.h"
#include "execute/batch_pipeline.h"
#include "execute/cuda_graph_slot.h"
#include "execution_lane.h"
#include "gpu/instance_gpu.h"
#include "model_state.h"
#include "tensor/tensor_spec.h"
#include "triton/metrics.h"

namespace ortbackend {

class ModelInstanceState {
 public:
  static Status Create(ModelState* model, TRITONBACKEND_ModelInstance* instance,
                       std::unique_ptr<ModelInstanceState>* out);

  // Takes ownership of the requests; all are responded to and released
  // (with several lanes, after Execute has returned).
  void Execute(TRITONBACKEND_Request** requests, uint32_t count);

  // Ok while the instance can run requests (CheckInstanceReady's rule). May
  // be called from any thread, also while Execute runs: it only reads what
  // Create set and asks the CUDA stream, which waits for nothing.
  Status Ready() const;
  const std::string& model_name() const { return model_->name(); }

 private:
  ModelInstanceState(ModelState* model, TRITONBACKEND_ModelInstance* instance);
  Status SetUpGpu(int device_id);
  // How many batches the instance keeps in flight (max_batches_in_flight,
  // lowered to 1 where runs must not overlap), and its lanes.
  int BatchesInFlight() const;
  void StartLanes();

  ModelState* model_;
  TRITONBACKEND_ModelInstance* instance_;
  // Its name is what the lanes read inputs under, so it lives as long as the instance.
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
  InstanceMetrics metrics_;
  InstanceShared shared_;  // points into the members above
  std::vector<std::unique_ptr<ExecutionLane>> lanes_;
  // Several lanes only. Last: destroyed first, so every batch in flight ends
  // (answered and released) while the lanes and the session still exist.
  std::unique_ptr<BatchPipeline> pipeline_;
};

}  // namespace ortbackend
