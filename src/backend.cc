// The TRITONBACKEND_* entry points, and nothing else: each creates or destroys
// one state object, or hands Execute to the instance. Each converts our Status
// to a Triton error at exactly one place.

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/backend_settings.h"
#include "instance_state.h"
#include "model_state.h"
#include "ort/environment.h"
#include "ort/ep_devices.h"
#include "triton/error.h"
#include "triton/log.h"
#include "triton/message.h"
#include "triton_api/server_functions.h"
#include "triton_api/tritonbackend_api.h"

using namespace ortbackend;

namespace {

Status CheckApiVersion() {
  uint32_t major = 0, minor = 0;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_ApiVersion(&major, &minor), "reading the server's backend API version"));
  if (major != TRITONBACKEND_API_VERSION_MAJOR || minor < TRITONBACKEND_API_VERSION_MINOR)
    return Status::Unsupported(
        "onnxruntime backend needs Triton backend API " + std::to_string(TRITONBACKEND_API_VERSION_MAJOR) + "." +
        std::to_string(TRITONBACKEND_API_VERSION_MINOR) + " or a newer minor version, but the server provides " +
        std::to_string(major) + "." + std::to_string(minor));
  return Status::Ok();
}

Status InitializeBackend(TRITONBACKEND_Backend* backend) {
  ORTB_RETURN_IF_ERROR(CheckApiVersion());
  TRITONSERVER_Message* message = nullptr;  // owned by the server
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_BackendConfig(backend, &message), "reading the backend config"));
  nlohmann::json config;
  std::string config_text;
  ORTB_RETURN_IF_ERROR(JsonFromMessage(message, &config, &config_text));
  // As received (the server's defaults included), before parsing, so a
  // config that fails to parse is in the log next to its error. In the
  // original backend's form, which scripts and Triton's own tests read:
  // "backend configuration:", then the server's JSON on the next line.
  ORTB_LOG_INFO("backend configuration:\n" + config_text);
  auto state = std::make_unique<BackendState>();
  ORTB_RETURN_IF_ERROR(ParseBackendSettings(config, &state->settings));
  std::vector<std::string> failures;
  DecryptorRegistry::Create(state->settings.protection, &state->decryptors, &failures);
  for (const auto& f : failures)
    ORTB_LOG_ERROR("onnxruntime backend: " + f + "; models that select this decryptor will not load");
  for (const auto& key : state->settings.unknown_keys)
    ORTB_LOG_WARN("onnxruntime backend: ignoring unknown backend config '" + key + "'");
  ORTB_LOG_INFO("onnxruntime backend config: " + state->settings.ToString());
  auto env = OrtEnvironment::Create(state->settings);
  if (!env.ok()) return env.status();
  state->ort = env.take();
  for (const EpLibrarySpec& lib : state->settings.ep_libraries) {
    std::vector<EpDeviceInfo> devices;
    ORTB_RETURN_IF_ERROR(state->ort->ep_libraries().Register(lib, &devices));  // registered already: reads its devices
    if (devices.empty()) {
      ORTB_LOG_WARN("onnxruntime backend: EP library '" + lib.name + "' (" + lib.path +
                    ") is registered but offers no EP device on this machine");
      continue;
    }
    ORTB_LOG_INFO("onnxruntime backend: EP library '" + lib.name + "' (" + lib.path +
                  ") is registered; its EPs: " + EpNamesOf(devices));
    for (const EpDeviceInfo& d : devices)
      ORTB_LOG_INFO("onnxruntime backend: EP library '" + lib.name + "' offers " + DescribeEpDevice(d));
  }
  state->metrics = BackendMetrics::Create();
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_BackendSetState(backend, state.get()), "storing the backend state"));
  state.release();  // owned by the server's backend object until Finalize
  return Status::Ok();
}

}  // namespace

extern "C" {

TRITONSERVER_Error* TRITONBACKEND_Initialize(TRITONBACKEND_Backend* backend) {
  // Before anything else: every other call into the server goes through
  // the table this fills (src/triton_api/server_functions.h).
  Status found = triton_api::ResolveServerFunctions();
  if (!found.ok() && !triton_api::CanMakeServerErrors()) return triton_api::FailWithoutServer(found);
  return ToTritonError(found.ok() ? InitializeBackend(backend) : found);
}

TRITONSERVER_Error* TRITONBACKEND_Finalize(TRITONBACKEND_Backend* backend) {
  // The server finalizes a backend whose Initialize failed too. Before the
  // table is filled there is no state, and no server function to call.
  if (!triton_api::ServerFunctionsResolved()) return nullptr;
  void* state = nullptr;
  Status s = FromTritonError(TRITONBACKEND_BackendState(backend, &state), "reading the backend state");
  delete static_cast<BackendState*>(state);
  return ToTritonError(s);
}

TRITONSERVER_Error* TRITONBACKEND_ModelInitialize(TRITONBACKEND_Model* model) {
  std::unique_ptr<ModelState> state;
  Status s = ModelState::Create(model, &state);
  if (s.ok()) s = FromTritonError(TRITONBACKEND_ModelSetState(model, state.get()), "storing the model state");
  if (s.ok()) state.release();  // owned by the model until ModelFinalize
  return ToTritonError(s);
}

TRITONSERVER_Error* TRITONBACKEND_ModelFinalize(TRITONBACKEND_Model* model) {
  void* state = nullptr;
  Status s = FromTritonError(TRITONBACKEND_ModelState(model, &state), "reading the model state");
  delete static_cast<ModelState*>(state);
  return ToTritonError(s);
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceInitialize(TRITONBACKEND_ModelInstance* instance) {
  TRITONBACKEND_Model* model = nullptr;
  void* model_state = nullptr;
  Status s = FromTritonError(TRITONBACKEND_ModelInstanceModel(instance, &model), "reading the instance's model");
  if (s.ok()) s = FromTritonError(TRITONBACKEND_ModelState(model, &model_state), "reading the model state");
  std::unique_ptr<ModelInstanceState> state;
  const uint64_t start_ns = NowNs();
  if (s.ok()) s = ModelInstanceState::Create(static_cast<ModelState*>(model_state), instance, &state);
  // The load's last phase of ours (bench/load_bench.py reads this line).
  if (s.ok() && VerboseLogEnabled()) {
    const std::string& model_name = static_cast<ModelState*>(model_state)->name();
    const char* instance_name = "";
    LogIfError(TRITONBACKEND_ModelInstanceName(instance, &instance_name), model_name, "reading the instance name");
    ORTB_LOG_VERBOSE("model '" + model_name + "': instance '" + instance_name + "' created in " +
                     std::to_string((NowNs() - start_ns) / 1000) + " us");
  }
  if (s.ok())
    s = FromTritonError(TRITONBACKEND_ModelInstanceSetState(instance, state.get()), "storing the instance state");
  if (s.ok()) state.release();  // owned by the instance until ModelInstanceFinalize
  if (!s.ok() && model_state != nullptr)
    s = s.WithContext("model '" + static_cast<ModelState*>(model_state)->name() + "'");
  return ToTritonError(s);
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceFinalize(TRITONBACKEND_ModelInstance* instance) {
  void* state = nullptr;
  Status s = FromTritonError(TRITONBACKEND_ModelInstanceState(instance, &state), "reading the instance state");
  delete static_cast<ModelInstanceState*>(state);
  return ToTritonError(s);
}

// Asked by servers of backend API 1.19 and newer that look it up (2.51 does
// not) when a client asks whether the model is ready; an error marks this
// instance, and so the model, not ready.
TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReady(TRITONBACKEND_ModelInstance* instance) {
  void* state = nullptr;
  Status s = FromTritonError(TRITONBACKEND_ModelInstanceState(instance, &state), "reading the instance state");
  if (s.ok() && state == nullptr) s = Status::Unavailable("the instance has no state (its initialization failed)");
  if (s.ok()) {
    const auto* instance_state = static_cast<const ModelInstanceState*>(state);
    s = instance_state->Ready();
    if (!s.ok()) s = s.WithContext("model '" + instance_state->model_name() + "'");
  }
  return ToTritonError(s);
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceExecute(TRITONBACKEND_ModelInstance* instance,
                                                       TRITONBACKEND_Request** requests, const uint32_t request_count) {
  void* state = nullptr;
  Status s = FromTritonError(TRITONBACKEND_ModelInstanceState(instance, &state), "reading the instance state");
  if (!s.ok()) return ToTritonError(s);  // requests stay with Triton, which reports the error
  // From here on every request is ours and is answered and released by Execute.
  static_cast<ModelInstanceState*>(state)->Execute(requests, request_count);
  return nullptr;
}

}  // extern "C"

extern "C" {

// Where instances go when a config names no instance_group: on the GPU when
// this build can use one and the machine has one, else on the CPU (Triton
// takes the first kind it can satisfy). Instances of a model may load in
// parallel: the only state they share, the CPU session, is created under a lock.
TRITONSERVER_Error* TRITONBACKEND_GetBackendAttribute(TRITONBACKEND_Backend* backend,
                                                      TRITONBACKEND_BackendAttribute* attribute) {
  TRITONSERVER_Error* err = nullptr;
#ifdef TRITON_ENABLE_GPU
  err = TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup(attribute, TRITONSERVER_INSTANCEGROUPKIND_GPU, 0,
                                                                nullptr, 0);
#endif
  if (err == nullptr)
    err = TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup(attribute, TRITONSERVER_INSTANCEGROUPKIND_CPU, 0,
                                                                  nullptr, 0);
  if (err == nullptr) err = TRITONBACKEND_BackendAttributeSetParallelModelInstanceLoading(attribute, true);
  return err;
}

}  // extern "C"
