#include "model_state.h"

#include <chrono>
#include <filesystem>

#include "common/clock.h"
#include "config/json_read.h"
#include "gpu/cuda_runtime.h"
#include "load/model_load.h"
#include "ort/cpu_budget.h"
#include "ort/ep_devices.h"
#include "ort/execution_providers.h"
#include "ort/memory_release.h"
#include "ort/model_inspector.h"
#include "ort/model_io.h"
#include "ort/placement_capture.h"
#include "ort/session_factory.h"
#include "ort/thread_affinity.h"
#include "triton/error.h"
#include "triton/log.h"
#include "triton/message.h"
#include "triton/placement_report.h"

namespace ortbackend {
namespace {

// "0,1,2": the CPUs, for log lines.
std::string CpuListText(const std::vector<int>& cpus) {
  std::string s;
  for (int c : cpus) s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

// Whether an instance group names a host policy: its instances may be pinned
// (the policy's settings are the server's, known only per instance), and a
// pinned instance makes a session of its own.
bool NamesHostPolicy(const nlohmann::json& config) {
  auto groups = config.find("instance_group");
  if (groups == config.end() || !groups->is_array()) return false;
  for (const auto& g : *groups)
    if (g.is_object() && !StringMember(g, "host_policy").empty()) return true;
  return false;
}

// Whether every instance of the model will be a CPU instance: no group asks
// for a GPU, and a group without a kind (KIND_AUTO, also what the server
// fills in for a config without instance_group) cannot land on a GPU because
// this ORT has no CUDA provider or no CUDA runtime loads.
bool AllInstancesOnCpu(const nlohmann::json& config) {
  bool auto_kind = true;
  if (auto groups = config.find("instance_group"); groups != config.end() && groups->is_array() && !groups->empty()) {
    auto_kind = false;
    for (const auto& g : *groups) {
      const std::string kind = g.is_object() ? StringMember(g, "kind") : std::string();
      if (kind == "KIND_GPU") return false;
      if (kind.empty() || kind == "KIND_AUTO") auto_kind = true;
    }
  }
  if (!auto_kind) return true;
  bool cuda_provider = false;
  try {
    for (const auto& p : Ort::GetAvailableProviders())
      if (p == "CUDAExecutionProvider" || p == "TensorrtExecutionProvider") cuda_provider = true;
  } catch (const Ort::Exception&) {
    return false;
  }
  return !cuda_provider || !gpu::CudaRuntime::Get().ok();
}

}  // namespace

Status ModelState::Create(TRITONBACKEND_Model* model, std::unique_ptr<ModelState>* out) {
  std::unique_ptr<ModelState> state(new ModelState());
  const uint64_t start_ns = NowNs();
  const uint64_t rss_before = ResidentBytes();
  state->loading_ = true;
  Status s = state->Load(model);
  state->loading_ = false;
  if (!s.ok()) return state->name_.empty() ? s : s.WithContext("model '" + state->name_ + "'");
  const uint64_t rss_after = ResidentBytes();
  const uint64_t load_ns = NowNs() - start_ns;
  // bench/load_bench.py reads this line.
  ORTB_LOG_VERBOSE("model '" + state->name_ + "': load phases: " + state->load_phases_.Summary(load_ns));
  ORTB_LOG_VERBOSE(
      "model '" + state->name_ + "': model state loaded in " + std::to_string(load_ns / 1000000) + " ms (" +
      (state->shared_session_  ? "with its shared session"
       : state->spare_session_ ? "with its first instance's session"
                               : "the sessions come with the instances") +
      "), process resident +" + std::to_string(rss_after > rss_before ? (rss_after - rss_before) >> 20 : 0) + " MiB");
  *out = std::move(state);
  return Status::Ok();
}

ModelState::~ModelState() {
  shared_session_.reset();
  spare_session_.reset();
  shared_initializers_.reset();
  const uint64_t released = ReturnFreedMemoryToSystem();
  if (!name_.empty())
    ORTB_LOG_VERBOSE("model '" + name_ + "': unloaded; returned " + std::to_string(released >> 20) +
                     " MiB of freed memory to the OS (process resident: " + std::to_string(ResidentBytes() >> 20) +
                     " MiB)");
}

Status ModelState::Load(TRITONBACKEND_Model* model) {
  const char* name = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelName(model, &name), "reading the model name"));
  name_ = name;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelVersion(model, &version_), "reading the model version"));
  TRITONBACKEND_Backend* backend = nullptr;
  void* backend_state = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_ModelBackend(model, &backend), "reading the backend"));
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_BackendState(backend, &backend_state), "reading the backend state"));
  backend_ = static_cast<BackendState*>(backend_state);
  metrics_ = std::make_unique<ModelMetrics>(backend_->metrics.get(), name_, version_);

  // What the server hands over, as LoadModel's plain input.
  ModelLoadInput input;
  input.model_name = name_;
  input.version = version_;
  input.default_max_batch_size = backend_->settings.default_max_batch_size;
  input.phases = &load_phases_;
  MessagePtr message;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_ModelConfig(model, 1, message.receive()), "reading the model config"));
  ORTB_RETURN_IF_ERROR(JsonFromMessage(message.get(), &input.config));
  TRITONBACKEND_ArtifactType artifact;
  const char* repository = nullptr;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_ModelRepository(model, &artifact, &repository), "reading the model repository"));
  input.repository = repository;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_ModelAutoCompleteConfig(model, &input.auto_complete), "reading auto-complete"));

  ModelLoad load;
  Status s = LoadModel(
      input,
      [this](const ModelLoad& so_far, ModelIoInfo* io) {
        // The sessions read these; they are the model's from here on.
        settings_ = so_far.settings;
        providers_ = so_far.providers;
        model_path_ = so_far.file.path;
        weights_bytes_ = so_far.weights_bytes;
        metrics_->SetWeightsBytes(weights_bytes_);
        ORTB_RETURN_IF_ERROR(RegisterEpLibraries());
        ORTB_RETURN_IF_ERROR(ModelByteSource::Choose(backend_->decryptors.get(), name_, so_far.file, so_far.settings,
                                                     so_far.providers, &source_));
        return ReadModelMetadata(so_far.config_json, io);
      },
      &load);
  for (const auto& key : load.settings.unknown_keys)
    ORTB_LOG_WARN("model '" + name_ + "': ignoring unknown parameter '" + key + "'");
  ORTB_RETURN_IF_ERROR(s);
  io_ = std::move(load.io);
  config_ = std::move(load.config);
  if (load.completed.empty()) return Status::Ok();
  for (const auto& n : load.completed) ORTB_LOG_INFO("model '" + name_ + "' auto-complete: " + n);
  const uint64_t t = NowNs();
  const Status set = SetServerConfig(model, load.config_json);
  load_phases_.Add(LoadPhase::kAutoComplete, t);
  return set;
}

Status ModelState::RegisterEpLibraries() {
  // Process-wide and kept until the backend finalizes: a library another
  // model (or the backend config) registered under the same name and path is
  // not registered again.
  for (const EpLibrarySpec& lib : settings_.ep_libraries) {
    std::vector<EpDeviceInfo> devices;
    ORTB_RETURN_IF_ERROR(backend_->ort->ep_libraries().Register(lib, &devices));
    const std::string names = EpNamesOf(devices);
    ORTB_LOG_INFO("model '" + name_ + "': EP library '" + lib.name + "' (" + lib.path + ") is registered; " +
                  (names.empty() ? "it offers no EP device on this machine" : "its EPs: " + names));
  }
  // Now every plugin EP name the config gives must be one ORT offers.
  return CheckPluginEpNames(backend_->ort->env(), backend_->ort->ep_libraries(), providers_);
}

Status ModelState::ReadModelMetadata(const nlohmann::json& config_json, ModelIoInfo* io) {
  // When every instance will run on the one shared CPU session, that session
  // is made now and read: the weights are loaded once, by the session that
  // serves, and the file is read once.
  // Not when an instance group names a host policy: those instances may need
  // sessions of their own, and a session made now would not be pinned.
  const bool on_cpu = AllInstancesOnCpu(config_json) && !NamesHostPolicy(config_json);
  if (settings_.share_session.value_or(true) && on_cpu) {
    Status s = CreateSession(UsableCores(), false, 0, nullptr, &shared_session_);
    const uint64_t t = NowNs();
    if (s.ok()) s = ReadModelIo(*shared_session_, io);
    load_phases_.Add(LoadPhase::kInspection, t);
    if (!s.ok()) shared_session_.reset();
    return s;
  }
  // A session per CPU instance, with the instance count written in the
  // config (so the thread split is known now): the session that is read
  // becomes the first instance's.
  if (on_cpu && config_json.contains("instance_group")) {
    spare_session_instances_ = CountInstances(config_json, "KIND_CPU");
    Status s = CreateSession(DefaultIntraOpThreads(spare_session_instances_), false, 0, nullptr, &spare_session_);
    const uint64_t t = NowNs();
    if (s.ok()) s = ReadModelIo(*spare_session_, io);
    load_phases_.Add(LoadPhase::kInspection, t);
    if (!s.ok()) spare_session_.reset();
    return s;
  }
  ++file_loads_;
  const uint64_t t = NowNs();
  std::unique_ptr<DecryptedModel> plaintext;  // wiped once the inspection session exists
  ModelSource model(model_path_);
  ORTB_RETURN_IF_ERROR(source_.Open(&plaintext, &model));
  Status s = InspectModelFile(backend_->ort->env(), model, io, nullptr, settings_.custom_op_libraries);
  plaintext.reset();
  // The inspection session's weights are freed; return them before the real
  // session allocates its own (on another thread, so from another arena).
  ReturnFreedMemoryToSystem();
  load_phases_.Add(LoadPhase::kInspection, t);
  return s;
}

Status ModelState::SetServerConfig(TRITONBACKEND_Model* model, const nlohmann::json& config_json) {
  const std::string text = config_json.dump();
  MessagePtr message;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONSERVER_MessageNewFromSerializedJson(message.receive(), text.data(), text.size()),
                      "serializing the completed config"));
  return FromTritonError(TRITONBACKEND_ModelSetConfig(model, 1, message.get()), "setting the completed config");
}

Status ModelState::PinnedCpus(const HostPolicy& policy, std::vector<int>* out) const {
  ORTB_RETURN_IF_ERROR(PolicyCpus(policy, out));
  for (const auto& setting : policy.other_settings)
    ORTB_LOG_INFO("model '" + name_ + "': host policy '" + policy.name + "' setting " + setting +
                  " is left to the server");
  if (out->empty()) return Status::Ok();
  if (backend_->ort->global_threadpool()) {
    // The process-wide pools serve every model; one instance cannot move them.
    ORTB_LOG_WARN("model '" + name_ + "': host policy '" + policy.name +
                  "' names CPUs, but the global thread pool is enabled, so ONNX Runtime's threads are not pinned");
    out->clear();
  }
  return Status::Ok();
}

Status ModelState::CpuSession(int instances, const HostPolicy& policy, std::shared_ptr<Ort::Session>* out,
                              bool* created) {
  *created = true;
  std::vector<int> cpus;
  ORTB_RETURN_IF_ERROR(PinnedCpus(policy, &cpus));
  // Threads of a shared session serve every instance, so a pinned instance
  // needs its own.
  if (!cpus.empty()) return CreateSession(static_cast<int>(cpus.size()), false, 0, nullptr, out, cpus);
  if (!settings_.share_session.value_or(true)) {
    {
      std::lock_guard<std::mutex> lock(shared_session_mutex_);
      if (spare_session_ && spare_session_instances_ == instances) {
        *out = std::move(spare_session_);
        return Status::Ok();
      }
      spare_session_.reset();  // made for another thread split
    }
    return CreateSession(DefaultIntraOpThreads(instances), false, 0, nullptr, out);
  }
  // Instances may initialize in parallel; the first one creates the session
  // (unless the load made it already) and reports its memory.
  std::lock_guard<std::mutex> lock(shared_session_mutex_);
  if (!shared_session_) {
    ORTB_RETURN_IF_ERROR(CreateSession(UsableCores(), false, 0, nullptr, &shared_session_));
  }
  *created = !shared_session_handed_out_;
  shared_session_handed_out_ = true;
  *out = shared_session_;
  return Status::Ok();
}

Status ModelState::GpuSession(int device_id, int instances, const HostPolicy& policy, void* cuda_stream,
                              std::shared_ptr<Ort::Session>* out) {
  std::vector<int> cpus;
  ORTB_RETURN_IF_ERROR(PinnedCpus(policy, &cpus));
  // The GPU does the math; host threads only feed it, so split the cores
  // (or take the policy's).
  const int intra = cpus.empty() ? DefaultIntraOpThreads(instances) : static_cast<int>(cpus.size());
  return CreateSession(intra, true, device_id, cuda_stream, out, cpus);
}

Status ModelState::CreateSession(int intra_op_default, bool gpu, int device_id, void* cuda_stream,
                                 std::shared_ptr<Ort::Session>* out, const std::vector<int>& cpus) {
  SessionPlan plan;
  plan.use_global_threadpool = backend_->ort->global_threadpool();
  if (plan.use_global_threadpool) {
    if (settings_.intra_op_threads || settings_.inter_op_threads)
      ORTB_LOG_INFO("model '" + name_ +
                    "': the global thread pool is enabled, so the model's intra/inter_op_thread_count are ignored");
  } else {
    plan.intra_op_threads = settings_.intra_op_threads.value_or(intra_op_default);
    plan.inter_op_threads = settings_.inter_op_threads.value_or(settings_.parallel_execution ? 0 : 1);
    plan.intra_op_affinities = IntraOpThreadAffinities(cpus, plan.intra_op_threads);
  }
  // Only the load's own sessions are timed by phase (see load_phases_).
  LoadPhases unused;
  LoadPhases& phases = loading_ ? load_phases_ : unused;
  uint64_t t = NowNs();
  Ort::SessionOptions options{nullptr};
  ORTB_RETURN_IF_ERROR(BuildSessionOptions(settings_, plan, &options));
  ORTB_RETURN_IF_ERROR(
      AppendExecutionProviders(providers_, gpu, device_id, &options, cuda_stream, backend_->ort.get()));
  const bool plugin_choices = providers_.selection_policy != EpSelectionPolicy::kNone ||
                              !(gpu ? providers_.gpu_plugin_eps : providers_.cpu_plugin_eps).empty();
  ORTB_LOG_INFO("model '" + name_ + "': created an ONNX Runtime session (intra_op_threads=" +
                std::to_string(plan.intra_op_threads) + ", inter_op_threads=" + std::to_string(plan.inter_op_threads) +
                (plan.use_global_threadpool ? ", global thread pool" : "") +
                (gpu ? ", GPU " + std::to_string(device_id) : "") +
                (gpu && CudaGraphsEnabled(providers_) ? ", CUDA graphs" : "") +
                (providers_.openvino && !gpu ? ", OpenVINO" : "") +
                (cpus.empty() ? "" : ", threads pinned to CPUs " + CpuListText(cpus)) +
                (plugin_choices ? ", execution providers: " + AcceleratorFor(providers_, gpu) : "") + ")");
  // A session of its own per instance (GPU, or not shared) gets the model's
  // pre-packed weights container. ORT shares through it the pre-packed copies
  // of initializers given with AddInitializer, so CPU sessions also get the
  // model's weights read once (SharedInitializers) instead of each reading
  // its own copy from the file.
  const bool own = gpu || !settings_.share_session.value_or(true) || !cpus.empty();
  OrtPrepackedWeightsContainer* prepacked = nullptr;
  size_t shared_count = 0;
  if (own) {
    std::lock_guard<std::mutex> lock(shared_session_mutex_);
    if (prepacked_.get() == nullptr) {
      ORTB_RETURN_IF_ERROR(PrepackedWeights::Create(&prepacked_));
    }
    prepacked = prepacked_.get();
    // An encrypted model's file is ciphertext: its sessions read their own weights.
    if (!gpu && !shared_initializers_ && !source_.encrypted()) {
      Status r = SharedInitializers::Read(model_path_, &shared_initializers_);
      if (!r.ok())
        ORTB_LOG_VERBOSE("model '" + name_ + "': the weights are not shared between sessions: " + r.message());
    }
    if (!gpu && shared_initializers_) {
      ORTB_RETURN_IF_ERROR(shared_initializers_->AddTo(&options));
      shared_count = shared_initializers_->count();
    }
  }
  const int load_number = ++file_loads_;
  const uint64_t rss_before = ResidentBytes();
  const auto start = std::chrono::steady_clock::now();
  t = phases.Add(LoadPhase::kSessionOptions, t);
  std::unique_ptr<Ort::Session> session;
  NodePlacement placement;
  std::unique_ptr<DecryptedModel> plaintext;  // wiped as soon as the session exists
  ModelSource model(model_path_);
  ORTB_RETURN_IF_ERROR(source_.Open(&plaintext, &model));
  t = phases.Add(LoadPhase::kModelRead, t);
  {
    // ONNX Runtime makes its thread pools here; the inter-op pool's threads
    // (which it has no affinity setting for) start with this thread's mask.
    ScopedThreadAffinity pinned;
    if (!cpus.empty())
      ORTB_RETURN_IF_ERROR(
          ScopedThreadAffinity::Pin(cpus, "model '" + name_ + "': CPUs " + CpuListText(cpus), &pinned));
    ORTB_RETURN_IF_ERROR(
        CreateSessionWithPlacement(backend_->ort->env(), model, &options, &session, &placement, prepacked));
  }
  t = phases.Add(LoadPhase::kSessionCreation, t);
  plaintext.reset();
  // Loading leaves the parsed model and the unpacked weights freed behind.
  ReturnFreedMemoryToSystem();
  t = phases.Add(LoadPhase::kMemoryRelease, t);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  const uint64_t rss_after = ResidentBytes();
  // The resident growth is the process's: sessions loading in parallel count
  // in each other's.
  ORTB_LOG_VERBOSE(
      "model '" + name_ + "': session loaded in " + std::to_string(ms) + " ms, process resident +" +
      std::to_string(rss_after > rss_before ? (rss_after - rss_before) >> 20 : 0) + " MiB (now " +
      std::to_string(rss_after >> 20) + " MiB), model file " + std::to_string(weights_bytes_ >> 20) +
      " MiB; model file loads by this model: " + std::to_string(load_number) +
      (prepacked != nullptr ? "; with the model's pre-packed weights container" : "") +
      (shared_count > 0 ? "; " + std::to_string(shared_count) + " initializer(s) shared with its other sessions" : ""));
  const Status placed =
      ReportPlacement(name_, placement, AcceleratorFor(providers_, gpu), settings_.provider_fallback, metrics_.get());
  phases.Add(LoadPhase::kPlacement, t);
  ORTB_RETURN_IF_ERROR(placed);
  // Only sessions the model keeps count.
  metrics_->AddSession(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  *out = std::move(session);
  return Status::Ok();
}

}  // namespace ortbackend
