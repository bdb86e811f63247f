#pragma once
// One lane of a model instance: the Execute pipeline for one batch at a
// time, with the buffers it reuses from one batch to the next. An instance
// has one lane, run on Triton's thread, or several, each run on a thread of
// the instance's BatchPipeline (execute/batch_pipeline.h says why); lanes
// share the instance's session, stream, run options and metrics, and nothing
// else.
//
// Per batch: RequestBatch::Begin, then for each group of compatible
// requests plan, gather -> run -> scatter (stopping at the first failed
// step) and the clean-up every group gets; then copy counters, and the
// Responder answers and releases every request.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
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

// What every lane of one instance shares. Owned by the instance, which
// outlives its lanes.
struct InstanceShared {
  ModelState* model = nullptr;
  TRITONBACKEND_ModelInstance* instance = nullptr;
  std::string name;
  Ort::Session* session = nullptr;
  const Ort::RunOptions* run_options = nullptr;
  // CUDA graphs' slots by graph id. Only an instance of one lane has graphs
  // (ORT does not allow concurrent runs of a session that replays them).
  std::map<int64_t, CudaGraphSlot>* graphs = nullptr;
  InstanceMetrics* metrics = nullptr;
  // The instance's host policy name, which inputs are read under (null: the default).
  const char* host_policy = nullptr;
};

// Run options for one instance (graph_id >= 0: those of one CUDA graph).
Status MakeRunOptions(const ModelSettings& settings, const InstanceGpu* gpu, int64_t graph_id, Ort::RunOptions* out);

class ExecutionLane {
 public:
  // `gpu`: the CUDA stream and device this lane's copies use (null: a CPU
  // instance); outlives the lane. `threaded_responder`: answer from a thread
  // of the responder's own (see responder.h); for a lone lane on Triton's
  // thread of a GPU instance.
  ExecutionLane(const InstanceShared& shared, const ExecutionSpec& spec, InstanceGpu* gpu, bool threaded_responder);

  // Takes ownership of the requests; all are responded to and released.
  void Execute(TRITONBACKEND_Request** requests, uint32_t count);

 private:
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
  // The run options of the plan's CUDA graph (none: the instance's), made on first use.
  StatusOr<const Ort::RunOptions*> RunOptionsFor(const RunPlan& plan);

  const InstanceShared& shared_;
  const ExecutionSpec& spec_;
  InstanceGpu* gpu_;
  // One entry per successful run of this Execute, reported to Triton once
  // the execution has ended (reporting is bookkeeping, not execution).
  std::vector<RunStats> runs_;
  // This Execute's runs, for the metrics (reported once, at its end).
  ExecutionTally tally_;
  GroupTracer tracer_;  // the current group's traced requests, if any
  RequestBatch batch_;
  InputGatherer gatherer_;
  OutputScatterer scatterer_;
  // Last: destroyed first, so everything it sends is sent while the rest of
  // the lane still exists.
  std::unique_ptr<Responder> responder_;
};

}  // namespace ortbackend
