#include "ort/model_inspector.h"

#include <limits>
#include <memory>

#include "config/model_settings.h"
#include "ort/model_io.h"
#include "ort/ort_try.h"
#include "ort/session_factory.h"

namespace ortbackend {
namespace {

Status ReadMetadata(const Ort::Session& session, ModelMetadataInfo* out) {
  return OrtTry("reading the model's metadata", [&] {
    Ort::AllocatorWithDefaultOptions alloc;
    Ort::ModelMetadata m = session.GetModelMetadata();
    *out = ModelMetadataInfo();
    out->producer_name = m.GetProducerNameAllocated(alloc).get();
    out->graph_name = m.GetGraphNameAllocated(alloc).get();
    out->domain = m.GetDomainAllocated(alloc).get();
    out->description = m.GetDescriptionAllocated(alloc).get();
    out->graph_description = m.GetGraphDescriptionAllocated(alloc).get();
    // ORT reports INT64_MAX for a model without a model_version.
    if (const int64_t v = m.GetVersion(); v != std::numeric_limits<int64_t>::max()) out->version = v;
    for (const auto& key : m.GetCustomMetadataMapKeysAllocated(alloc))
      out->custom[key.get()] = m.LookupCustomMetadataMapAllocated(key.get(), alloc).get();
  });
}

}  // namespace

Status InspectModelFile(Ort::Env& env, const ModelSource& model, ModelIoInfo* io, ModelMetadataInfo* metadata,
                        const std::vector<std::string>& custom_op_libraries) {
  // The default graph level, not kDisabled: with every optimization off ORT
  // refuses some valid models (fp16 graphs whose nodes it runs in float get
  // casts inserted that only its optimizers reconcile), which would fail
  // inspection of a model the real session loads. One thread keeps it cheap.
  ModelSettings light;
  light.custom_op_libraries = custom_op_libraries;
  SessionPlan plan;
  plan.intra_op_threads = 1;
  plan.inter_op_threads = 1;
  plan.use_global_threadpool = false;
  Ort::SessionOptions options{nullptr};
  ORTB_RETURN_IF_ERROR(BuildSessionOptions(light, plan, &options));
  std::unique_ptr<Ort::Session> session;
  ORTB_RETURN_IF_ERROR(CreateSession(env, model, options, &session));
  Status s = ReadModelIo(*session, io);
  if (!s.ok() || metadata == nullptr) return s;
  return ReadMetadata(*session, metadata);
}

}  // namespace ortbackend
