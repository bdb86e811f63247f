#include "ort/session_factory.h"

#include "load/decrypted_model.h"
#include "ort/ort_try.h"

namespace ortbackend {
namespace {

GraphOptimizationLevel ToOrt(GraphLevel level) {
  switch (level) {
    case GraphLevel::kBasic: return ORT_ENABLE_BASIC;
    case GraphLevel::kExtended: return ORT_ENABLE_EXTENDED;
    case GraphLevel::kDisabled: return ORT_DISABLE_ALL;
    case GraphLevel::kAll: break;
  }
  return ORT_ENABLE_ALL;
}

}  // namespace

Status BuildSessionOptions(const ModelSettings& settings, const SessionPlan& plan, Ort::SessionOptions* out) {
  return OrtTry("building session options", [&] {
    Ort::SessionOptions so;
    so.SetGraphOptimizationLevel(ToOrt(settings.graph_level));
    so.SetExecutionMode(settings.parallel_execution ? ORT_PARALLEL : ORT_SEQUENTIAL);
    if (plan.use_global_threadpool) {
      so.DisablePerSessionThreads();
    } else {
      so.SetIntraOpNumThreads(plan.intra_op_threads);
      so.SetInterOpNumThreads(plan.inter_op_threads);
      if (!plan.intra_op_affinities.empty())
        so.AddConfigEntry("session.intra_op_thread_affinities", plan.intra_op_affinities.c_str());
    }
    if (settings.enable_mem_arena.has_value()) {
      if (*settings.enable_mem_arena)
        so.EnableCpuMemArena();
      else
        so.DisableCpuMemArena();
    }
    if (settings.enable_mem_pattern.has_value()) {
      if (*settings.enable_mem_pattern)
        so.EnableMemPattern();
      else
        so.DisableMemPattern();
    }
    for (const auto& lib : settings.custom_op_libraries) so.RegisterCustomOpsLibrary(lib.c_str());
    if (!settings.optimized_model_filepath.empty())
      so.SetOptimizedModelFilePath(settings.optimized_model_filepath.c_str());
    if (!settings.profiling_file_prefix.empty()) so.EnableProfiling(settings.profiling_file_prefix.c_str());
    for (const auto& [key, value] : settings.session_config_entries) so.AddConfigEntry(key.c_str(), value.c_str());
    *out = std::move(so);
  });
}

Status CreateSession(Ort::Env& env, const ModelSource& model, const Ort::SessionOptions& options,
                     std::unique_ptr<Ort::Session>* out, OrtPrepackedWeightsContainer* prepacked) {
  if (model.decrypted == nullptr) {
    return OrtTry("loading ONNX model " + model.path, [&] {
      *out = prepacked != nullptr ? std::make_unique<Ort::Session>(env, model.path.c_str(), options, prepacked)
                                  : std::make_unique<Ort::Session>(env, model.path.c_str(), options);
    });
  }
  const DecryptedModel& plain = *model.decrypted;
  return OrtTry("loading ONNX model " + model.path + " (decrypted in memory)", [&] {
    // The in-memory files are added to a copy: `options` is the caller's, and
    // the copy (holding pointers into the plaintext) goes with this call.
    Ort::SessionOptions with_files = options.Clone();
    if (!plain.external().empty()) {
      std::vector<std::string> names;
      std::vector<char*> buffers;
      std::vector<size_t> sizes;
      // ORT only reads the buffers (it copies each initializer out); its API
      // takes them as char*.
      for (const auto& f : plain.external()) {
        names.push_back(f.location);
        buffers.push_back(const_cast<char*>(reinterpret_cast<const char*>(f.data)));
        sizes.push_back(f.size);
      }
      with_files.AddExternalInitializersFromFilesInMemory(names, buffers, sizes);
    }
    const void* data = plain.session_model();
    const size_t size = plain.session_model_size();
    *out = prepacked != nullptr ? std::make_unique<Ort::Session>(env, data, size, with_files, prepacked)
                                : std::make_unique<Ort::Session>(env, data, size, with_files);
  });
}

}  // namespace ortbackend
