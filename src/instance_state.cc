#include "instance_state.h"

#include "instance_readiness.h"
#include "ort/ort_try.h"
#include "tensor/cuda_graph_rules.h"
#include "tensor/memory_placement.h"
#include "triton/error.h"
#include "triton/log.h"
#include "triton/memory_report.h"
#include "triton/message.h"

namespace ortbackend {

ModelInstanceState::ModelInstanceState(ModelState* model, TRITONBACKEND_ModelInstance* instance)
    : model_(model),
      instance_(instance),
      spec_(BuildExecutionSpec(model->config(), model->io())),
      batch_(spec_),
      gatherer_(spec_),
      scatterer_(spec_),
      responder_(std::make_unique<Responder>(instance, model->name(), /*threaded=*/false)) {}

Status ModelInstanceState::Create(ModelState* model, TRITONBACKEND_ModelInstance* instance,
                                  std::unique_ptr<ModelInstanceState>* out) {
  std::unique_ptr<ModelInstanceState> state(new ModelInstanceState(model, instance));
  const char* name = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelInstanceName(instance, &name), "reading the instance name"));
  state->name_ = name;

  TRITONSERVER_InstanceGroupKind kind;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelInstanceKind(instance, &kind), "reading the instance kind"));

  // The final config (after the server's normalization) says how many
  // instances share the machine; thread defaults are split over them.
  TRITONBACKEND_Model* triton_model = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelInstanceModel(instance, &triton_model), "reading the model"));
  MessagePtr message;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_ModelConfig(triton_model, 1, message.receive()), "reading the config"));
  nlohmann::json config;
  ORTB_RETURN_IF_ERROR(JsonFromMessage(message.get(), &config));
  const bool on_gpu = kind == TRITONSERVER_INSTANCEGROUPKIND_GPU;
  int32_t device_id = 0;
  if (on_gpu)
    ORTB_RETURN_IF_ERROR(
        FromTritonError(TRITONBACKEND_ModelInstanceDeviceId(instance, &device_id), "reading the device id"));
  state->metrics_ = InstanceMetrics(model->backend().metrics.get(), model->name(), model->version(), state->name_,
                                    on_gpu ? device_id : -1);
  if (on_gpu) {
    ORTB_RETURN_IF_ERROR(state->SetUpGpu(device_id));
    ORTB_RETURN_IF_ERROR(
        model->GpuSession(device_id, CountInstances(config, "KIND_GPU"), state->gpu_->stream.get(), &state->session_));
  } else {
    bool created = false;
    ORTB_RETURN_IF_ERROR(model->CpuSession(CountInstances(config, "KIND_CPU"), &state->session_, &created));
    // A shared session is reported once, by the instance that created it.
    if (created) {
      Status r = ReportInstanceMemory(instance, TRITONSERVER_MEMORY_CPU, 0, model->weights_bytes());
      if (!r.ok()) ORTB_LOG_VERBOSE("model '" + model->name() + "': " + r.message());
    }
  }

  ORTB_RETURN_IF_ERROR(state->MakeRunOptions(-1, &state->run_options_));
  ORTB_LOG_INFO("model '" + model->name() + "': instance '" + state->name_ + "' ready");
  *out = std::move(state);
  return Status::Ok();
}

Status ModelInstanceState::Ready() const {
  InstanceHealth health;
  health.instance = name_;
  health.has_session = session_ != nullptr;
  if (gpu_ != nullptr) {
    health.gpu = true;
    health.device = gpu_->device;
    health.stream_query = gpu_->stream.Query();
    if (health.stream_query != 0) health.stream_error = gpu_->cuda->GetErrorString(health.stream_query);
  }
  return CheckInstanceReady(health);
}

Status ModelInstanceState::SetUpGpu(int device_id) {
  StatusOr<const gpu::CudaRuntime*> cuda = gpu::CudaRuntime::Get();
  if (!cuda.ok()) return cuda.status().WithContext("GPU instance '" + name_ + "'");
  auto gpu = std::make_unique<InstanceGpu>();
  gpu->cuda = cuda.value();
  gpu->device = device_id;
  gpu->cuda_graphs = CudaGraphsEnabled(model_->providers());
  gpu->ort_on_own_stream = !GpuInstanceUsesClassicCuda(model_->providers());
  if (gpu->cuda_graphs) {
    // Refused at load rather than falling back silently: a user who asked
    // for graphs on a model with variable shapes should change one or the other.
    ORTB_RETURN_IF_ERROR(CheckCudaGraphShapes(spec_));
  }
  StatusOr<gpu::CudaStream> stream = gpu::CudaStream::Create(gpu->cuda, device_id);
  if (!stream.ok()) return stream.status().WithContext("GPU instance '" + name_ + "'");
  gpu->stream = stream.take();
  gpu_ = std::move(gpu);
  responder_ = std::make_unique<Responder>(instance_, model_->name(), /*threaded=*/true);
  batch_.set_gpu_device(device_id);
  gatherer_.UseGpu(gpu_.get());
  scatterer_.UseGpu(gpu_.get());
  ORTB_LOG_INFO("model '" + model_->name() + "': instance '" + name_ + "' on GPU " + std::to_string(device_id) +
                (gpu_->ort_on_own_stream ? " copies on its own CUDA stream, ONNX Runtime's execution providers compute "
                                           "on theirs ("
                                         : " computes on its own CUDA stream (") +
                gpu_->cuda->library + ")" + (gpu_->cuda_graphs ? ", with CUDA graphs (one per batch size)" : ""));
  return Status::Ok();
}

Status ModelInstanceState::MakeRunOptions(int64_t graph_id, Ort::RunOptions* out) const {
  return OrtTry("creating run options", [&] {
    Ort::RunOptions options;
    // The session logs at VERBOSE (for its placement report, see
    // ort/placement_capture.h); a run must not inherit that.
    options.SetRunLogSeverityLevel(ORT_LOGGING_LEVEL_WARNING);
    if (!model_->settings().arena_shrinkage.empty())
      options.AddConfigEntry("memory.enable_memory_arena_shrinkage", model_->settings().arena_shrinkage.c_str());
    if (gpu_ != nullptr && gpu_->cuda_graphs) options.AddConfigEntry("gpu_graph_id", std::to_string(graph_id).c_str());
    *out = std::move(options);
  });
}

StatusOr<Ort::RunOptions*> ModelInstanceState::RunOptionsFor(const RunPlan& plan) {
  if (plan.graph == nullptr) return &run_options_;
  Ort::RunOptions& options = plan.graph->run_options;
  if (static_cast<OrtRunOptions*>(options) == nullptr) {
    ORTB_RETURN_IF_ERROR(MakeRunOptions(plan.graph_id, &options));
  }
  return &options;
}

void ModelInstanceState::Execute(TRITONBACKEND_Request** requests, uint32_t count) {
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

void ModelInstanceState::SelectDevice() {
  // Device buffers are allocated on the calling thread's current device.
  if (gpu_ == nullptr) return;
  const gpu::CudaError e = gpu_->cuda->SetDevice(gpu_->device);
  if (e != 0)
    LogIfError(gpu_->cuda->Check(
        e, "model '" + model_->name() + "': selecting GPU " + std::to_string(gpu_->device) + " for an execution"));
}

ModelInstanceState::CopyCounters ModelInstanceState::Counters() const {
  return CopyCounters{gatherer_.bytes_copied(), scatterer_.bytes_copied(), gatherer_.device_inputs_in_place(),
                      scatterer_.device_outputs_in_place()};
}

void ModelInstanceState::RecordCopies(const CopyCounters& before, uint32_t count) {
  const CopyCounters now = Counters();
  tally_.input_bytes_copied = now.input_bytes - before.input_bytes;
  tally_.output_bytes_copied = now.output_bytes - before.output_bytes;
  // The copy counters are how tests see the zero-copy paths at work. Logged
  // before the responses go out, so a client that has its answer can read it.
  ORTB_LOG_VERBOSE("model '" + model_->name() + "', instance '" + name_ + "': executed " + std::to_string(count) +
                   " request(s) in " + std::to_string(batch_.group_count()) + " run(s); copied " +
                   std::to_string(tally_.input_bytes_copied) + " input bytes and " +
                   std::to_string(tally_.output_bytes_copied) + " output bytes" +
                   (gpu_ == nullptr ? std::string()
                                    : "; " + std::to_string(now.device_inputs - before.device_inputs) +
                                          " input(s) read in place from GPU memory, " +
                                          std::to_string(now.device_outputs - before.device_outputs) +
                                          " output(s) written in place to GPU memory"));
  metrics_.Record(tally_);
}

void ModelInstanceState::RunGroup(size_t g) {
  GroupTimes times;
  times.start = NowNs();
  RunPlan plan = batch_.Plan(g, gpu_ != nullptr && gpu_->cuda_graphs);
  if (plan.graph_id >= 0) plan.graph = &graphs_[plan.graph_id];
  const gpu::CaptureGate::Entry gate = EnterCaptureGate(plan);
  if (tracer_.Begin())
    for (const uint32_t* r = plan.begin; r != plan.end; ++r) tracer_.Add(batch_.request(*r).request);

  const Status s = GatherRunScatter(plan, &times);

  // A failed group may leave copies queued on the stream (ORT waits for its
  // work only when Run succeeds); the requests' buffers go back to Triton
  // once this returns, so wait for them here.
  if (!s.ok() && gpu_ != nullptr) LogIfError(gpu_->stream.Synchronize("model '" + model_->name() + "'"));
  gatherer_.Clear();
  scatterer_.Clear();
  if (!s.ok()) batch_.FailGroup(g, s);
  tracer_.Report();
  RecordGroup(plan, times, s.ok());
}

gpu::CaptureGate::Entry ModelInstanceState::EnterCaptureGate(const RunPlan& plan) {
  // GPU instances: see gpu/capture_gate.h. Held from the first copy on the
  // device to the last, so no other instance's CUDA call lands in a capture.
  if (gpu_ == nullptr) return gpu::CaptureGate::Entry();
  const bool may_capture = plan.graph != nullptr && plan.graph->runs < gpu::kRunsUntilCaptured;
  if (may_capture) ++plan.graph->runs;
  return gpu::CaptureGate::Entry(&gpu::CaptureGate::Get(), may_capture);
}

Status ModelInstanceState::GatherRunScatter(const RunPlan& plan, GroupTimes* times) {
  tracer_.Stamp(TraceStep::kGatherStart, times->start);
  const uint64_t copied_before = gatherer_.bytes_copied();
  const Status gathered = gatherer_.Gather(batch_, plan);
  tracer_.Stamp(TraceStep::kGatherEnd);
  ORTB_RETURN_IF_ERROR(gathered);
  ORTB_RETURN_IF_ERROR(scatterer_.Prepare(batch_, plan));
  StatusOr<Ort::RunOptions*> run_options = RunOptionsFor(plan);
  ORTB_RETURN_IF_ERROR(run_options.status());
  // A lone request that already failed (e.g. no response buffer) need not run.
  if (plan.requests() == 1 && !batch_.request(plan.leader()).error.ok()) return Status::Ok();
  // A plugin EP does not compute on the instance's stream, so the input
  // copies queued there must be done before ORT reads the inputs. (ORT's
  // Run waits for its own streams before it returns, so the output copies
  // that follow on the instance's stream see finished outputs.)
  if (gpu_ != nullptr && gpu_->ort_on_own_stream)
    ORTB_RETURN_IF_ERROR(gpu_->stream.Synchronize("model '" + model_->name() + "': waiting for the input copies"));

  times->compute_start = NowNs();
  tracer_.Stamp(TraceStep::kRunStart, times->compute_start);
  const Status ran =
      OrtTry([&] { return "model '" + model_->name() + "': ONNX Runtime failed to run"; },
             [&] {
               session_->Run(*run_options.value(), gatherer_.names(), gatherer_.values(), gatherer_.count(),
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

void ModelInstanceState::RecordGroup(const RunPlan& plan, GroupTimes times, bool ok) {
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
