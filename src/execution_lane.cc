#include "execution_lane.h"

#include "ort/ort_try.h"
#include "triton/error.h"
#include "triton/log.h"

namespace ortbackend {

Status MakeRunOptions(const ModelSettings& settings, const InstanceGpu* gpu, int64_t graph_id, Ort::RunOptions* out) {
  return OrtTry("creating run options", [&] {
    Ort::RunOptions options;
    // The session logs at VERBOSE (for its placement report, see
    // ort/placement_capture.h); a run must not inherit that.
    options.SetRunLogSeverityLevel(ORT_LOGGING_LEVEL_WARNING);
    if (!settings.arena_shrinkage.empty())
      options.AddConfigEntry("memory.enable_memory_arena_shrinkage", settings.arena_shrinkage.c_str());
    if (gpu != nullptr && gpu->cuda_graphs) options.AddConfigEntry("gpu_graph_id", std::to_string(graph_id).c_str());
    *out = std::move(options);
  });
}

ExecutionLane::ExecutionLane(const InstanceShared& shared, const ExecutionSpec& spec, InstanceGpu* gpu,
                             bool threaded_responder)
    : shared_(shared),
      spec_(spec),
      gpu_(gpu),
      batch_(spec),
      gatherer_(spec),
      scatterer_(spec),
      responder_(std::make_unique<Responder>(shared.instance, shared.model->name(), threaded_responder)) {
  batch_.set_host_policy(shared.host_policy);
  if (gpu != nullptr) {
    batch_.set_gpu_device(gpu->device);
    gatherer_.UseGpu(gpu);
    scatterer_.UseGpu(gpu);
  }
}

StatusOr<const Ort::RunOptions*> ExecutionLane::RunOptionsFor(const RunPlan& plan) {
  if (plan.graph == nullptr) return shared_.run_options;
  Ort::RunOptions& options = plan.graph->run_options;
  if (static_cast<OrtRunOptions*>(options) == nullptr) {
    ORTB_RETURN_IF_ERROR(MakeRunOptions(shared_.model->settings(), gpu_, plan.graph_id, &options));
  }
  return &options;
}

void ExecutionLane::Execute(TRITONBACKEND_Request** requests, uint32_t count) {
  const uint64_t exec_start = NowNs();
  SelectDevice();
  const CopyCounters before = Counters();
  batch_.Begin(requests, count);
  runs_.clear();
  tally_ = ExecutionTally();
  for (size_t g = 0; g < batch_.group_count(); ++g) RunGroup(g);
  // The execution ends here; what follows is bookkeeping and sending, as in
  // Triton's own backends.
  const uint64_t exec_end = NowNs();
  RecordCopies(before, count);
  responder_->Finish(batch_, runs_, exec_start, exec_end);
}

void ExecutionLane::SelectDevice() {
  // Device buffers are allocated on the calling thread's current device
  // (a lane of a pipelined instance runs on a thread of its own).
  if (gpu_ == nullptr) return;
  const InstanceGpu& gpu = *gpu_;
  const gpu::CudaError e = gpu.cuda->SetDevice(gpu.device);
  if (e != 0)
    LogIfError(gpu.cuda->Check(
        e, "model '" + shared_.model->name() + "': selecting GPU " + std::to_string(gpu.device) + " for an execution"));
}

ExecutionLane::CopyCounters ExecutionLane::Counters() const {
  return CopyCounters{gatherer_.bytes_copied(), scatterer_.bytes_copied(), gatherer_.device_inputs_in_place(),
                      scatterer_.device_outputs_in_place()};
}

void ExecutionLane::RecordCopies(const CopyCounters& before, uint32_t count) {
  const CopyCounters now = Counters();
  tally_.input_bytes_copied = now.input_bytes - before.input_bytes;
  tally_.output_bytes_copied = now.output_bytes - before.output_bytes;
  // The copy counters are how tests see the zero-copy paths at work. Logged
  // before the responses go out, so a client that has its answer can read it.
  ORTB_LOG_VERBOSE("model '" + shared_.model->name() + "', instance '" + shared_.name + "': executed " +
                   std::to_string(count) + " request(s) in " + std::to_string(batch_.group_count()) +
                   " run(s); copied " + std::to_string(tally_.input_bytes_copied) + " input bytes and " +
                   std::to_string(tally_.output_bytes_copied) + " output bytes" +
                   (gpu_ == nullptr ? std::string()
                                    : "; " + std::to_string(now.device_inputs - before.device_inputs) +
                                          " input(s) read in place from GPU memory, " +
                                          std::to_string(now.device_outputs - before.device_outputs) +
                                          " output(s) written in place to GPU memory"));
  shared_.metrics->Record(tally_);
}

void ExecutionLane::RunGroup(size_t g) {
  GroupTimes times;
  times.start = NowNs();
  InstanceGpu* gpu = gpu_;
  RunPlan plan = batch_.Plan(g, gpu != nullptr && gpu->cuda_graphs);
  if (plan.graph_id >= 0) plan.graph = &(*shared_.graphs)[plan.graph_id];
  const gpu::CaptureGate::Entry gate = EnterCaptureGate(plan);
  if (tracer_.Begin())
    for (const uint32_t* r = plan.begin; r != plan.end; ++r) tracer_.Add(batch_.request(*r).request);

  const Status s = GatherRunScatter(plan, &times);

  // A failed group may leave copies queued on the stream (ORT waits for its
  // work only when Run succeeds); the requests' buffers go back to Triton
  // once this returns, so wait for them here.
  if (!s.ok() && gpu != nullptr) LogIfError(gpu->stream.Synchronize("model '" + shared_.model->name() + "'"));
  gatherer_.Clear();
  scatterer_.Clear();
  if (!s.ok()) batch_.FailGroup(g, s);
  tracer_.Report();
  RecordGroup(plan, times, s.ok());
}

gpu::CaptureGate::Entry ExecutionLane::EnterCaptureGate(const RunPlan& plan) {
  // GPU instances: see gpu/capture_gate.h. Held from the first copy on the
  // device to the last, so no other instance's CUDA call lands in a capture.
  if (gpu_ == nullptr) return gpu::CaptureGate::Entry();
  const bool may_capture = plan.graph != nullptr && plan.graph->runs < gpu::kRunsUntilCaptured;
  if (may_capture) ++plan.graph->runs;
  return gpu::CaptureGate::Entry(&gpu::CaptureGate::Get(), may_capture);
}

Status ExecutionLane::GatherRunScatter(const RunPlan& plan, GroupTimes* times) {
  tracer_.Stamp(TraceStep::kGatherStart, times->start);
  const uint64_t copied_before = gatherer_.bytes_copied();
  const Status gathered = gatherer_.Gather(batch_, plan);
  tracer_.Stamp(TraceStep::kGatherEnd);
  ORTB_RETURN_IF_ERROR(gathered);
  ORTB_RETURN_IF_ERROR(scatterer_.Prepare(batch_, plan));
  StatusOr<const Ort::RunOptions*> run_options = RunOptionsFor(plan);
  ORTB_RETURN_IF_ERROR(run_options.status());
  // A lone request that already failed (e.g. no response buffer) need not run.
  if (plan.requests() == 1 && !batch_.request(plan.leader()).error.ok()) return Status::Ok();
  // A plugin EP does not compute on the instance's stream, so the input
  // copies queued there must be done before ORT reads the inputs. (ORT's
  // Run waits for its own streams before it returns, so the output copies
  // that follow on the instance's stream see finished outputs.)
  if (gpu_ != nullptr && gpu_->ort_on_own_stream)
    ORTB_RETURN_IF_ERROR(
        gpu_->stream.Synchronize("model '" + shared_.model->name() + "': waiting for the input copies"));

  times->compute_start = NowNs();
  tracer_.Stamp(TraceStep::kRunStart, times->compute_start);
  const Status ran =
      OrtTry([&] { return "model '" + shared_.model->name() + "': ONNX Runtime failed to run"; },
             [&] {
               shared_.session->Run(*run_options.value(), gatherer_.names(), gatherer_.values(), gatherer_.count(),
                                    scatterer_.names(), scatterer_.values(), scatterer_.count());
             });
  times->compute_end = NowNs();
  tracer_.Stamp(TraceStep::kRunEnd, times->compute_end);
  ORTB_RETURN_IF_ERROR(ran);

  tracer_.Stamp(TraceStep::kScatterStart);
  const Status scattered = scatterer_.Scatter(batch_, plan);
  tracer_.Stamp(TraceStep::kScatterEnd);
  ORTB_RETURN_IF_ERROR(scattered);
  tally_.AddRun(gatherer_.bytes_copied() != copied_before, plan.requests());
  return Status::Ok();
}

void ExecutionLane::RecordGroup(const RunPlan& plan, GroupTimes times, bool ok) {
  // A group that stopped before its run still gives its requests compute
  // timestamps (an empty span where it stopped).
  if (times.compute_start == 0) times.compute_start = times.compute_end = NowNs();
  for (const uint32_t* r = plan.begin; r != plan.end; ++r) {
    batch_.request(*r).compute_start_ns = times.compute_start;
    batch_.request(*r).compute_end_ns = times.compute_end;
  }
  if (ok)
    runs_.push_back(RunStats{static_cast<uint64_t>(spec_.batching() ? plan.total_batch : 1), times.start,
                             times.compute_start, times.compute_end, NowNs()});
}

}  // namespace ortbackend
