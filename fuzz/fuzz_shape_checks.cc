// Fuzzes the per-request checks of Execute (tensor/request_checks.h) on
// specs built the way the backend builds them: a fuzzer-chosen config tensor
// and model tensor go through ValidateConfigAgainstModel and
// BuildExecutionSpec (or, when they do not validate, straight into a spec with
// no model information, as BuildExecutionSpec makes for unknown tensors).
// The model tensor is sometimes an overridable initializer (the optional-input
// path). Then a fuzzer-chosen request (dtype, shape, byte size) is checked with
// CheckRequestInput and, when accepted, mapped with ModelShapeFor.
//
// CheckRequestInput's verdict is compared with a reference written from its
// contract using 128-bit arithmetic; when it accepts, the invariants the
// gatherer relies on must hold: every dim >= 0 and matching the spec, batch
// size within [1, max_batch_size], elements = product of dims, and for
// fixed-size types elements * element_size = byte size; ModelShapeFor keeps
// the element count (scaled by the group's batch) and the rank.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "autocomplete/autocomplete.h"
#include "common/data_type.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "tensor/request_checks.h"
#include "tensor/tensor_spec.h"

using namespace ortbackend;
using ortbackend_fuzz::FuzzInput;
using ortbackend_fuzz::Require;

namespace {

using Int128 = __int128;
constexpr Int128 kInt64Max = std::numeric_limits<int64_t>::max();

// A Triton data type; INVALID (0) included, only values the enum defines.
TRITONSERVER_DataType DataType(FuzzInput& in) {
  return static_cast<TRITONSERVER_DataType>(in.SmallInRange(TRITONSERVER_TYPE_INVALID, TRITONSERVER_TYPE_BF16));
}

// A dim: mostly -1 or small, sometimes any int64.
int64_t Dim(FuzzInput& in) {
  const uint8_t b = in.Byte();
  if (b < 32) return -1;
  if (b < 224) return b % 9;
  return in.I64();
}

Shape Dims(FuzzInput& in, int max_rank) {
  Shape s(static_cast<size_t>(in.SmallInRange(0, max_rank)));
  for (auto& d : s) d = Dim(in);
  return s;
}

std::string DimName(FuzzInput& in) {
  static const char* const kNames[] = {"", "batch", "n", "seq"};
  return kNames[in.Byte() % 4];
}

ModelTensorInfo ModelTensor(FuzzInput& in, const std::string& name, TRITONSERVER_DataType config_dtype) {
  ModelTensorInfo t;
  t.name = name;
  t.dtype = in.Byte() < 224 ? config_dtype : DataType(in);
  t.ort_type = ToOrtType(t.dtype);
  t.shape = Dims(in, 5);
  for (auto& d : t.shape) d = d < -1 ? -1 : d;  // ORT reports symbolic/unknown dims as -1
  for (size_t i = 0; i < t.shape.size(); ++i) t.dim_names.push_back(DimName(in));
  return t;
}

TensorConfig ConfigTensor(FuzzInput& in, const std::string& name) {
  TensorConfig c;
  c.name = name;
  c.dtype = DataType(in);
  if (c.dtype == TRITONSERVER_TYPE_INVALID) c.dtype = TRITONSERVER_TYPE_FP32;  // ParseTensorConfig's guarantee
  c.dims = Dims(in, 4);
  for (auto& d : c.dims) d = d < -1 ? -1 : d;  // ParseTensorConfig's guarantee
  c.has_reshape = in.Byte() >= 224;
  if (c.has_reshape) {
    c.reshape = Dims(in, 4);
    for (auto& d : c.reshape) d = d < -1 ? -1 : d;
  }
  return c;
}

// What CheckRequestInput should do, from its contract, in exact arithmetic.
bool ReferenceAccepts(const ExecutionSpec& spec, const TensorSpec& t, TRITONSERVER_DataType dtype, const Shape& shape,
                      uint64_t byte_size) {
  if (dtype != t.dtype) return false;
  const Shape& dims = t.dims;  // an implicit scalar's are all ones
  const size_t offset = spec.batching() ? 1 : 0;
  if (shape.size() != dims.size() + offset) return false;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = shape[i + offset];
    if (d < 0 || (dims[i] != -1 && dims[i] != d)) return false;
  }
  if (spec.batching() && (shape[0] < 1 || shape[0] > spec.max_batch_size)) return false;
  // The element count, multiplied left to right; every partial product must
  // fit in int64 even when a later dim is 0 ([2^62, 8, 0] is refused). That is
  // ONNX Runtime's rule too (TensorShape::Size multiplies with SafeInt and
  // fails on overflow), so refusing up front only moves the error earlier.
  Int128 elements = 1;
  for (int64_t d : shape) {
    elements *= d;
    if (elements > kInt64Max) return false;
  }
  if (t.is_bytes()) return true;
  const Int128 expected = elements * static_cast<Int128>(t.element_size);
  return expected == static_cast<Int128>(byte_size);
}

Int128 Product(const Shape& s) {
  Int128 n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

void CheckAccepted(const ExecutionSpec& spec, const TensorSpec& t, const Shape& shape, uint64_t byte_size,
                   const InputCheck& check, FuzzInput& in) {
  for (int64_t d : shape) Require(d >= 0, "accepted a negative dim");
  if (spec.batching()) {
    Require(check.batch_size == shape[0] && check.batch_size >= 1 && check.batch_size <= spec.max_batch_size,
            "batch size out of [1, max_batch_size] or not the first dim");
  } else {
    Require(check.batch_size == 1, "non-batching request with batch size != 1");
  }
  Require(static_cast<Int128>(check.elements) == Product(shape), "elements differs from the product of dims");
  if (!t.is_bytes())
    Require(static_cast<Int128>(check.elements) * static_cast<Int128>(t.element_size) == static_cast<Int128>(byte_size),
            "elements * element_size differs from the byte size");
  if (t.implicit_scalar) Require(check.elements == 1, "implicit scalar with elements != 1");

  // The group's batch: this request alone, or with others (up to max_batch_size).
  int64_t total = 1;
  if (spec.batching()) {
    const int64_t more = in.SmallInRange(0, 7);
    total = check.batch_size <= std::numeric_limits<int64_t>::max() - more ? check.batch_size + more : check.batch_size;
  }
  Shape model;
  ModelShapeFor(spec, t, shape, total, &model);
  if (t.implicit_scalar) {
    Require(model.empty(), "implicit scalar mapped to a non-scalar");
    return;
  }
  Require(model.size() == shape.size(), "ModelShapeFor changed the rank");
  for (size_t i = spec.batching() ? 1 : 0; i < shape.size(); ++i)
    Require(model[i] == shape[i], "ModelShapeFor changed a non-batch dim");
  if (spec.batching()) {
    Require(model[0] == total, "ModelShapeFor did not set the batch dim");
    Require(Product(model) * check.batch_size == static_cast<Int128>(check.elements) * total,
            "ModelShapeFor's element count does not scale with the batch");
  } else {
    Require(Product(model) == static_cast<Int128>(check.elements), "ModelShapeFor changed the element count");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);

  ModelConfig config;
  config.name = "fuzz";
  switch (in.Byte() % 4) {
    case 0: config.max_batch_size = 0; break;
    case 1: config.max_batch_size = in.SmallInRange(1, 8); break;
    case 2: config.max_batch_size = static_cast<int64_t>(in.U64() >> 1); break;  // any value >= 0
    default: config.max_batch_size = 0; break;
  }
  config.inputs.push_back(ConfigTensor(in, "x"));
  config.outputs.push_back(ConfigTensor(in, "y"));
  ModelIoInfo io;
  // Sometimes x is an overridable initializer (an optional input) instead of
  // a graph input proper: the same checks apply to what a request sends.
  const bool initializer = in.Byte() >= 192;
  (initializer ? io.initializers : io.inputs).push_back(ModelTensor(in, "x", config.inputs[0].dtype));
  if (initializer) {
    io.initializers.back().initializer = true;
    config.inputs[0].optional = in.Byte() >= 64;
  }
  io.outputs.push_back(ModelTensor(in, "y", config.outputs[0].dtype));
  const bool valid = ValidateConfigAgainstModel(config, io).ok();
  if (!valid) io = ModelIoInfo();  // the spec then has no model info
  const ExecutionSpec spec = BuildExecutionSpec(config, io);
  Require(spec.inputs.size() == 1 && spec.outputs.size() == 1, "BuildExecutionSpec lost a tensor");
  const TensorSpec& t = spec.inputs[0];
  Require(t.has_default == (valid && initializer), "has_default differs from the model's initializer flag");
  Require(t.element_size == ElementByteSize(t.dtype), "element_size differs from the dtype's");

  // The request: usually the spec's dtype and a shape near the spec's dims.
  const TRITONSERVER_DataType dtype = in.Byte() < 224 ? t.dtype : DataType(in);
  Shape shape;
  if (in.Byte() < 192) {
    if (spec.batching()) shape.push_back(in.SmallInRange(0, 9));
    for (int64_t d : t.dims) shape.push_back(d == -1 ? Dim(in) : d);
    if (in.Byte() >= 240 && !shape.empty()) shape[in.Byte() % shape.size()] = in.I64();
  } else {
    shape = Dims(in, 8);
  }
  uint64_t byte_size;
  if (in.Byte() < 192) {
    int64_t n = 1;  // the likely-right size, with a small error sometimes
    for (int64_t d : shape) n = static_cast<int64_t>(static_cast<uint64_t>(n) * static_cast<uint64_t>(d));
    byte_size = static_cast<uint64_t>(n) * t.element_size + (in.Byte() >= 224 ? in.SmallInRange(-2, 2) : 0);
  } else {
    byte_size = in.U64();
  }

  InputCheck check;
  const Status s = CheckRequestInput(spec, t, dtype, shape, byte_size, &check);
  const bool expected = ReferenceAccepts(spec, t, dtype, shape, byte_size);
  Require(s.ok() == expected, std::string("CheckRequestInput ") + (s.ok() ? "accepted" : "rejected") + " shape " +
                                  ShapeToString(shape) + " (" + std::to_string(byte_size) +
                                  " bytes), the reference disagrees: " + s.message());
  if (!s.ok()) {
    Require(s.code() == StatusCode::kInvalidArgument && s.message().rfind("model 'fuzz', input 'x': ", 0) == 0,
            "a rejection is not an InvalidArgument naming the model and input: " + s.message());
    return 0;
  }
  CheckAccepted(spec, t, shape, byte_size, check, in);
  return 0;
}
