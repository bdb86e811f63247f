#include "instance_state.h"

#include "instance_readiness.h"
#include "tensor/cuda_graph_rules.h"
#include "tensor/memory_placement.h"
#include "triton/error.h"
#include "triton/instance_host_policy.h"
#include "triton/log.h"
#include "triton/memory_report.h"
#include "triton/message.h"

namespace ortbackend {

ModelInstanceState::ModelInstanceState(ModelState* model, TRITONBACKEND_ModelInstance* instance)
    : model_(model), instance_(instance), spec_(BuildExecutionSpec(model->config(), model->io())) {}

Status ModelInstanceState::Create(ModelState* model, TRITONBACKEND_ModelInstance* instance,
                                  std::unique_ptr<ModelInstanceState>* out) {
  std::unique_ptr<ModelInstanceState> state(new ModelInstanceState(model, instance));
  const char* name = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelInstanceName(instance, &name), "reading the instance name"));
  state->shared_.name = name;

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
  state->metrics_ = InstanceMetrics(model->backend().metrics.get(), model->name(), model->version(),
                                    state->shared_.name, on_gpu ? device_id : -1);
  // Inputs are read under the policy's name (clients and ensembles may attach
  // data for it), and its CPUs confine the session's threads.
  ORTB_RETURN_IF_ERROR(ReadInstanceHostPolicy(instance, &state->host_policy_));
  if (on_gpu) {
    ORTB_RETURN_IF_ERROR(state->SetUpGpu(device_id));
    ORTB_RETURN_IF_ERROR(model->GpuSession(device_id, CountInstances(config, "KIND_GPU"), state->host_policy_,
                                           state->gpu_->stream.get(), &state->session_));
  } else {
    bool created = false;
    ORTB_RETURN_IF_ERROR(
        model->CpuSession(CountInstances(config, "KIND_CPU"), state->host_policy_, &state->session_, &created));
    // A shared session is reported once, by the instance that created it.
    if (created) {
      Status r = ReportInstanceMemory(instance, TRITONSERVER_MEMORY_CPU, 0, model->weights_bytes());
      if (!r.ok()) ORTB_LOG_VERBOSE("model '" + model->name() + "': " + r.message());
    }
  }

  ORTB_RETURN_IF_ERROR(MakeRunOptions(model->settings(), state->gpu_.get(), -1, &state->run_options_));
  state->StartLanes();
  ORTB_LOG_INFO("model '" + model->name() + "': instance '" + state->shared_.name + "' ready");
  *out = std::move(state);
  return Status::Ok();
}

int ModelInstanceState::BatchesInFlight() const {
  const std::optional<int>& asked = model_->settings().batches_in_flight;
  const int wanted = asked.value_or(kDefaultBatchesInFlight);
  if (wanted <= 1) return 1;
  std::string why;
  if (gpu_ != nullptr && gpu_->cuda_graphs)
    why = "ONNX Runtime does not allow concurrent runs of a session that replays CUDA graphs";
  else if (model_->config().has_sequence_batching)
    why = "a sequence's requests must run in order (step N+1 reads the state step N wrote)";
  if (why.empty()) return wanted;
  // Only worth a line when the user asked for more.
  if (asked.has_value())
    ORTB_LOG_INFO("model '" + model_->name() + "': instance '" + shared_.name +
                  "' runs one batch at a time, not max_batches_in_flight " + std::to_string(wanted) + ": " + why);
  return 1;
}

void ModelInstanceState::StartLanes() {
  shared_.model = model_;
  shared_.instance = instance_;
  shared_.session = session_.get();
  shared_.run_options = &run_options_;
  shared_.graphs = &graphs_;
  shared_.metrics = &metrics_;
  shared_.host_policy = host_policy_.name.empty() ? nullptr : host_policy_.name.c_str();
  const int lanes = BatchesInFlight();
  if (lanes == 1) {
    // On Triton's thread, as the original backend runs; a GPU instance
    // answers from the responder's thread (responder.h says why).
    lanes_.push_back(
        std::make_unique<ExecutionLane>(shared_, spec_, gpu_.get(), /*threaded_responder=*/gpu_ != nullptr));
    return;
  }
  // Each lane is already off Triton's thread, and answers on its own while
  // the others keep the session busy.
  for (int i = 0; i < lanes; ++i)
    lanes_.push_back(std::make_unique<ExecutionLane>(shared_, spec_, gpu_.get(), /*threaded_responder=*/false));
  pipeline_ =
      std::make_unique<BatchPipeline>(lanes, [this](size_t lane, TRITONBACKEND_Request** requests, uint32_t count) {
        lanes_[lane]->Execute(requests, count);
      });
  ORTB_LOG_INFO("model '" + model_->name() + "': instance '" + shared_.name + "' keeps up to " + std::to_string(lanes) +
                " batches in flight");
}

void ModelInstanceState::Execute(TRITONBACKEND_Request** requests, uint32_t count) {
  if (pipeline_ == nullptr) {
    lanes_[0]->Execute(requests, count);
    return;
  }
  pipeline_->Submit(requests, count);
}

Status ModelInstanceState::Ready() const {
  InstanceHealth health;
  health.instance = shared_.name;
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
  if (!cuda.ok()) return cuda.status().WithContext("GPU instance '" + shared_.name + "'");
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
  if (!stream.ok()) return stream.status().WithContext("GPU instance '" + shared_.name + "'");
  gpu->stream = stream.take();
  gpu_ = std::move(gpu);
  ORTB_LOG_INFO("model '" + model_->name() + "': instance '" + shared_.name + "' on GPU " + std::to_string(device_id) +
                (gpu_->ort_on_own_stream ? " copies on its own CUDA stream, ONNX Runtime's execution providers compute "
                                           "on theirs ("
                                         : " computes on its own CUDA stream (") +
                gpu_->cuda->library + ")" + (gpu_->cuda_graphs ? ", with CUDA graphs (one per batch size)" : ""));
  return Status::Ok();
}

}  // namespace ortbackend
