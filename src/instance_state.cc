#include "instance_state.h"

#include "ort/ort_try.h"
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
      scatterer_(spec_) {
  spec_.model_name = model->name();
}

Status ModelInstanceState::Create(ModelState* model, TRITONBACKEND_ModelInstance* instance,
                                  std::unique_ptr<ModelInstanceState>* out) {
  std::unique_ptr<ModelInstanceState> state(new ModelInstanceState(model, instance));
  const char* name = nullptr;
  Status s = FromTritonError(TRITONBACKEND_ModelInstanceName(instance, &name), "reading the instance name");
  if (!s.ok()) return s;
  state->name_ = name;

  TRITONSERVER_InstanceGroupKind kind;
  s = FromTritonError(TRITONBACKEND_ModelInstanceKind(instance, &kind), "reading the instance kind");
  if (!s.ok()) return s;

  // The final config (after the server's normalization) says how many
  // instances share the machine; thread defaults are split over them.
  TRITONBACKEND_Model* triton_model = nullptr;
  s = FromTritonError(TRITONBACKEND_ModelInstanceModel(instance, &triton_model), "reading the model");
  MessagePtr message;
  if (s.ok()) s = FromTritonError(TRITONBACKEND_ModelConfig(triton_model, 1, message.receive()), "reading the config");
  nlohmann::json config;
  if (s.ok()) s = JsonFromMessage(message.get(), &config);
  if (!s.ok()) return s;
  if (kind == TRITONSERVER_INSTANCEGROUPKIND_GPU) {
    int32_t device_id = 0;
    s = FromTritonError(TRITONBACKEND_ModelInstanceDeviceId(instance, &device_id), "reading the device id");
    if (s.ok()) s = model->GpuSession(device_id, CountInstances(config, "KIND_GPU"), &state->session_);
  } else {
    bool created = false;
    s = model->CpuSession(CountInstances(config, "KIND_CPU"), &state->session_, &created);
    // A shared session is reported once, by the instance that created it.
    if (s.ok() && created) {
      Status r = ReportInstanceMemory(instance, TRITONSERVER_MEMORY_CPU, 0, model->weights_bytes());
      if (!r.ok()) ORTB_LOG_VERBOSE("model '" + model->name() + "': " + r.message());
    }
  }
  if (!s.ok()) return s;

  s = OrtTry("creating run options", [&] {
    state->run_options_ = Ort::RunOptions();
    if (!model->settings().arena_shrinkage.empty())
      state->run_options_.AddConfigEntry("memory.enable_memory_arena_shrinkage",
                                         model->settings().arena_shrinkage.c_str());
  });
  if (!s.ok()) return s;
  ORTB_LOG_INFO("model '" + model->name() + "': instance '" + state->name_ + "' ready");
  *out = std::move(state);
  return Status::Ok();
}

void ModelInstanceState::Execute(TRITONBACKEND_Request** requests, uint32_t count) {
  const uint64_t exec_start = NowNs();
  const uint64_t copied_in = gatherer_.bytes_copied(), copied_out = scatterer_.bytes_copied();
  batch_.Begin(requests, count);
  const size_t groups = batch_.group_count();
  for (size_t g = 0; g < groups; ++g) RunGroup(g);
  // The copy counters are how tests see the zero-copy paths at work. Logged
  // before the responses go out, so a client that has its answer can read it.
  ORTB_LOG_VERBOSE("model '" + model_->name() + "', instance '" + name_ + "': executed " + std::to_string(count) +
                   " request(s) in " + std::to_string(groups) + " run(s); copied " +
                   std::to_string(gatherer_.bytes_copied() - copied_in) + " input bytes and " +
                   std::to_string(scatterer_.bytes_copied() - copied_out) + " output bytes");
  batch_.Finish(instance_, exec_start, NowNs());
}

void ModelInstanceState::RunGroup(size_t g) {
  const uint64_t group_start = NowNs();
  const int64_t total_batch = batch_.group_batch_size(g);

  Status s = gatherer_.Gather(batch_, g);
  if (s.ok()) s = scatterer_.Prepare(batch_, g);
  // A lone request that already failed (e.g. no response buffer) need not run.
  const bool runnable = batch_.group_end(g) - batch_.group_begin(g) > 1 || batch_.request(*batch_.group_begin(g)).error.ok();
  const uint64_t compute_start = NowNs();
  if (s.ok() && runnable) {
    s = OrtTry([&] { return "model '" + model_->name() + "': ONNX Runtime failed to run"; }, [&] {
      session_->Run(run_options_, gatherer_.names(), gatherer_.values(), gatherer_.count(), scatterer_.names(),
                    scatterer_.values(), scatterer_.count());
    });
  }
  const uint64_t compute_end = NowNs();
  if (s.ok() && runnable) s = scatterer_.Scatter(batch_, g);
  gatherer_.Clear();
  scatterer_.Clear();
  if (!s.ok()) batch_.FailGroup(g, s);

  for (const uint32_t* r = batch_.group_begin(g); r != batch_.group_end(g); ++r) {
    batch_.request(*r).compute_start_ns = compute_start;
    batch_.request(*r).compute_end_ns = compute_end;
  }
  if (s.ok()) {
    TRITONSERVER_Error* err = TRITONBACKEND_ModelInstanceReportBatchStatistics(
        instance_, static_cast<uint64_t>(spec_.batching() ? total_batch : 1), group_start, compute_start,
        compute_end, NowNs());
    if (err != nullptr) TRITONSERVER_ErrorDelete(err);
  }
}

}  // namespace ortbackend
