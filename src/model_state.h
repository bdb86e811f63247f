#pragma once
// One loaded model: its validated configuration, the typed settings parsed
// from it, what the ONNX file declares, and the shared ORT environment.
// Created in TRITONBACKEND_ModelInitialize; outlives its instances.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>
#include <nlohmann/json.hpp>

#include "backend_state.h"
#include "common/status.h"
#include "config/backend_settings.h"
#include "config/execution_providers.h"
#include "config/host_policy.h"
#include "config/model_config.h"
#include "config/model_settings.h"
#include "load/load_phases.h"
#include "load/model_byte_source.h"
#include "ort/environment.h"
#include "ort/prepacked_weights.h"
#include "ort/shared_initializers.h"
#include "tensor/model_io_info.h"
#include "triton/metrics.h"
#include "triton_api/tritonbackend_api.h"

namespace ortbackend {

class ModelState {
 public:
  static Status Create(TRITONBACKEND_Model* model, std::unique_ptr<ModelState>* out);
  // Runs after the model's last instance is finalized (Triton finalizes
  // instances first): drops the shared session, then gives the memory freed
  // by the model's sessions back to the OS, so an unload shrinks the process.
  ~ModelState();

  const std::string& name() const { return name_; }
  const ModelConfig& config() const { return config_; }
  const ModelSettings& settings() const { return settings_; }
  const ModelIoInfo& io() const { return io_; }
  const std::string& model_path() const { return model_path_; }
  // Bytes of the model file plus the external-data files beside it: what a
  // session holds as weights, at least (ORT has no API for its own total).
  uint64_t weights_bytes() const { return weights_bytes_; }
  BackendState& backend() { return *backend_; }
  uint64_t version() const { return version_; }
  // Never null once loaded; empty when metrics are off.
  ModelMetrics& metrics() { return *metrics_; }

  // The session a CPU instance runs on. By default all CPU instances share
  // one session sized to the usable cores: the weights are loaded once, a
  // lone request gets every core, and concurrent requests share one thread
  // pool instead of oversubscribing the machine. With
  // share_session_between_instances=false each instance gets its own, and
  // unset thread counts split the cores over the `instances`.
  // `created` says whether this call made the session (so its memory is
  // reported once, by the instance that made it).
  // An instance whose host policy names cpu-cores or a numa-node gets a
  // session of its own, its ORT threads confined to those CPUs (one intra-op
  // thread per CPU unless intra_op_thread_count says otherwise).
  Status CpuSession(int instances, const HostPolicy& policy, std::shared_ptr<Ort::Session>* out, bool* created);
  // A session of its own for a KIND_GPU instance on `device_id`, with the
  // CUDA execution provider (after TensorRT when configured) computing on
  // `cuda_stream` (the instance's; it must outlive the session); its ORT
  // threads follow the host policy as a CPU instance's do.
  Status GpuSession(int device_id, int instances, const HostPolicy& policy, void* cuda_stream,
                    std::shared_ptr<Ort::Session>* out);
  const ExecutionProviderSettings& providers() const { return providers_; }

 private:
  // `cpus`: the CPUs a host policy confines the session's threads to (empty: none).
  Status CreateSession(int intra_op_default, bool gpu, int device_id, void* cuda_stream,
                       std::shared_ptr<Ort::Session>* out, const std::vector<int>& cpus = {});
  // The CPUs `policy` confines its instance's session to, logged once per instance.
  Status PinnedCpus(const HostPolicy& policy, std::vector<int>* out) const;
  Status Load(TRITONBACKEND_Model* model);
  // LoadModel's reader: makes the serving session when it can, else inspects.
  // Registers the model's ep_library parameter's libraries (process-wide)
  // and checks that ORT offers every plugin EP its accelerators name.
  Status RegisterEpLibraries();
  Status ReadModelMetadata(const nlohmann::json& config_json, ModelIoInfo* io);
  // Hands the completed configuration back to the server.
  static Status SetServerConfig(TRITONBACKEND_Model* model, const nlohmann::json& config_json);

  std::string name_;
  uint64_t version_ = 0;
  BackendState* backend_ = nullptr;
  ModelConfig config_;
  ModelSettings settings_;
  ExecutionProviderSettings providers_;
  ModelIoInfo io_;
  std::string model_path_;
  // Plain, or decrypted in memory per session (docs/model_protection.md).
  ModelByteSource source_;
  uint64_t weights_bytes_ = 0;
  // Shared by the sessions of share_session_between_instances=false and GPU
  // instances; declared before the sessions' owners so they outlive them.
  PrepackedWeights prepacked_;
  // The weights those CPU sessions share (read on the first one's creation).
  std::unique_ptr<SharedInitializers> shared_initializers_;
  std::mutex shared_session_mutex_;
  std::shared_ptr<Ort::Session> shared_session_;
  std::unique_ptr<ModelMetrics> metrics_;
  // With share_session_between_instances=false: the session made at load to
  // read the model, for the first CPU instance when it expects `instances`.
  std::shared_ptr<Ort::Session> spare_session_;
  // The phases of the model's load; sessions made while `loading_` add to it
  // (the load is one thread; instances may make sessions in parallel later).
  LoadPhases load_phases_;
  bool loading_ = false;
  int spare_session_instances_ = 0;
  // Whether an instance has been given shared_session_ yet (it may be made
  // at load, before any instance exists).
  bool shared_session_handed_out_ = false;
  // Sessions this model created from its file, the inspection's included:
  // each one opened and read the file once.
  std::atomic<int> file_loads_{0};
};

}  // namespace ortbackend
