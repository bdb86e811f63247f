#include "ort/model_io.h"

#include "common/data_type.h"
#include "ort/ort_try.h"

namespace ortbackend {
namespace {

ModelTensorInfo Describe(const std::string& name, const Ort::TypeInfo& type) {
  ModelTensorInfo t;
  t.name = name;
  if (type.GetONNXType() != ONNX_TYPE_TENSOR) {
    t.is_tensor = false;
    return t;
  }
  auto info = type.GetTensorTypeAndShapeInfo();
  t.ort_type = info.GetElementType();
  t.dtype = FromOrtType(t.ort_type);
  t.shape = info.GetShape();
  std::vector<const char*> names(t.shape.size(), nullptr);
  info.GetSymbolicDimensions(names.data(), names.size());
  for (const char* n : names) t.dim_names.emplace_back(n ? n : "");
  // Symbolic dims come back as -1 already; treat any other negative as dynamic too.
  for (auto& d : t.shape)
    if (d < 0) d = -1;
  return t;
}

}  // namespace

Status ReadModelIo(const Ort::Session& session, ModelIoInfo* out) {
  return OrtTry("reading the model's inputs and outputs", [&] {
    Ort::AllocatorWithDefaultOptions alloc;
    out->inputs.clear();
    out->outputs.clear();
    out->initializers.clear();
    for (size_t i = 0; i < session.GetInputCount(); ++i)
      out->inputs.push_back(Describe(session.GetInputNameAllocated(i, alloc).get(), session.GetInputTypeInfo(i)));
    for (size_t i = 0; i < session.GetOutputCount(); ++i)
      out->outputs.push_back(Describe(session.GetOutputNameAllocated(i, alloc).get(), session.GetOutputTypeInfo(i)));
    for (size_t i = 0; i < session.GetOverridableInitializerCount(); ++i) {
      out->initializers.push_back(Describe(session.GetOverridableInitializerNameAllocated(i, alloc).get(),
                                           session.GetOverridableInitializerTypeInfo(i)));
      out->initializers.back().initializer = true;
    }
  });
}

}  // namespace ortbackend
