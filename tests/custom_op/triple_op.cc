// A custom-op library for the tests of model_operations { op_library_filename }:
// domain "test.ortbackend", op "Triple" (float tensor in, three times it out).
// ONNX Runtime calls RegisterCustomOps when a session's options load it.

#define ORT_API_MANUAL_INIT
#include <onnxruntime_cxx_api.h>
#include <onnxruntime_lite_custom_op.h>

#include <memory>
#include <mutex>

namespace {

void Triple(const Ort::Custom::Tensor<float>& x, Ort::Custom::Tensor<float>& y) {
  float* out = y.Allocate(x.Shape());
  const float* in = x.Data();
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = 3.0f * in[i];
}

}  // namespace

extern "C" __attribute__((visibility("default"))) OrtStatus* RegisterCustomOps(OrtSessionOptions* options,
                                                                               const OrtApiBase* api_base) {
  Ort::InitApi(api_base->GetApi(ORT_API_VERSION));
  // The domain must outlive every session that uses it, and gets its op once.
  static Ort::CustomOpDomain domain{"test.ortbackend"};
  static std::unique_ptr<Ort::Custom::OrtLiteCustomOp> op;
  static std::once_flag once;
  std::call_once(once, [] {
    op.reset(Ort::Custom::CreateLiteCustomOp("Triple", "CPUExecutionProvider", Triple));
    domain.Add(op.get());
  });
  Ort::UnownedSessionOptions(options).Add(domain);
  return nullptr;
}
