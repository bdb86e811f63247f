// Fuzzes the ragged-batching computations of Execute with arbitrary groups of
// request shapes, as they pass request validation (non-negative dims, an
// element count that fits int64, a batch dim of at most 8):
//
//   ComputeBatchInput for every batch_input kind and type, and
//   ScatterShape for a batch output of arbitrary config dims.
//
// Nothing may crash or leak. Checked invariants: the tensor's shape is the one
// Triton's ragged-batching documentation defines, its buffer holds the whole
// tensor, and every value equals the one computed here in 128-bit arithmetic.

#include <cstdint>
#include <cstring>
#include <vector>

#include "common/data_type.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "tensor/batch_input_values.h"

using namespace ortbackend;
using ortbackend_fuzz::FuzzInput;
using ortbackend_fuzz::Require;
using Int128 = __int128;
using Kind = BatchInputConfig::Kind;

namespace {

// Real requests carry their elements' bytes, so a count past this is not
// a request the server could have delivered.
constexpr int64_t kMaxElements = int64_t{1} << 16;

int64_t Dim(FuzzInput& in) {
  switch (in.Byte() % 4) {
    case 0: return 0;
    case 1: return in.SmallInRange(1, 5);
    case 2: return in.SmallInRange(0, 255);
    default:
      return static_cast<int64_t>(in.U64() >> in.SmallInRange(2, 63));  // below 2**62: exact enough in FP32 casts
  }
}

int64_t ValueAt(const BatchInputSpec& b, const std::vector<char>& data, size_t k) {
  const char* p = data.data() + k * b.element_size;
  if (b.dtype == TRITONSERVER_TYPE_FP32) {
    float f;
    std::memcpy(&f, p, 4);
    return static_cast<int64_t>(f);
  }
  if (b.dtype == TRITONSERVER_TYPE_INT32) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The value as the tensor's type holds it (FP32 rounds large counts).
int64_t AsStored(const BatchInputSpec& b, int64_t v) {
  if (b.dtype == TRITONSERVER_TYPE_FP32) return static_cast<int64_t>(static_cast<float>(v));
  if (b.dtype == TRITONSERVER_TYPE_INT32) return static_cast<int32_t>(v);
  return v;
}

void CheckBatchInput(FuzzInput& in, const std::vector<Shape>& shapes) {
  BatchInputSpec b;
  b.kind = static_cast<Kind>(in.Byte() % 6);
  const TRITONSERVER_DataType types[] = {TRITONSERVER_TYPE_FP32, TRITONSERVER_TYPE_INT32, TRITONSERVER_TYPE_INT64};
  b.dtype = types[in.Byte() % 3];
  b.element_size = ElementByteSize(b.dtype);
  b.target = "T";
  b.context = "model 'fuzz', batch_input 'T'";
  std::vector<DimsView> views(shapes.begin(), shapes.end());
  Shape shape;
  std::vector<char> data;
  Status s = ComputeBatchInput(b, views, &shape, &data);
  const size_t rank = shapes[0].size();
  if (!s.ok()) {
    Require(!s.message().empty(), "an error without a message");
    Require((b.kind == Kind::kItemShape || b.kind == Kind::kItemShapeFlatten) && rank == 0,
            "a valid group refused: " + s.message());
    return;
  }
  int64_t count = 0;
  Require(CheckedElementCount(shape, &count), "an unaddressable batch-input shape");
  Require(data.size() >= static_cast<size_t>(count) * b.element_size && !data.empty(), "buffer too small");

  std::vector<Int128> expected;
  Int128 sum = 0, largest = 0;
  if (b.kind == Kind::kAccumulatedElementCountWithZero) expected.push_back(0);
  for (const Shape& sh : shapes) {
    Int128 n = 1;
    for (int64_t d : sh) n *= d;
    sum += n;
    largest = n > largest ? n : largest;
    if (b.kind == Kind::kElementCount) expected.push_back(n);
    if (b.kind == Kind::kAccumulatedElementCount || b.kind == Kind::kAccumulatedElementCountWithZero)
      expected.push_back(sum);
    if (b.kind == Kind::kItemShape || b.kind == Kind::kItemShapeFlatten)
      for (int64_t i = 0; i < sh[0]; ++i)
        for (size_t d = 1; d < sh.size(); ++d) expected.push_back(sh[d]);
  }
  const Int128 requests = static_cast<Int128>(shapes.size());
  switch (b.kind) {
    case Kind::kElementCount:
    case Kind::kAccumulatedElementCount:
      Require(shape == Shape{static_cast<int64_t>(requests)}, "element-count shape is not [requests]");
      break;
    case Kind::kAccumulatedElementCountWithZero:
      Require(shape == Shape{static_cast<int64_t>(requests + 1)}, "with-zero shape is not [requests + 1]");
      break;
    case Kind::kMaxElementCountAsShape:
      Require(shape == Shape{static_cast<int64_t>(largest)}, "max-element-count shape is not [largest count]");
      for (int64_t k = 0; k < count; ++k) Require(ValueAt(b, data, k) == 0, "max-element-count data is not zero");
      return;
    case Kind::kItemShape:
      Require(shape.size() == 2 && shape[1] == static_cast<int64_t>(rank - 1), "item shape is not [items, rank-1]");
      break;
    case Kind::kItemShapeFlatten: Require(shape.size() == 1, "flattened item shape is not 1-D"); break;
  }
  Require(static_cast<Int128>(count) == static_cast<Int128>(expected.size()), "value count differs");
  for (size_t k = 0; k < expected.size(); ++k)
    Require(ValueAt(b, data, k) == AsStored(b, static_cast<int64_t>(expected[k])), "a batch-input value differs");
}

void CheckScatterShape(FuzzInput& in, const Shape& source) {
  TensorSpec t;
  t.name = "OUT";
  t.context = "model 'fuzz', output 'OUT'";
  t.scatter_source = 0;
  const int64_t rank = in.SmallInRange(0, 5);
  for (int64_t k = 0; k < rank; ++k) t.scatter_shape.push_back(in.Bool() ? -1 : Dim(in));
  Shape out;
  Status s = ScatterShape(t, "IN", source, &out);
  bool wildcard_past_rank = false;
  for (size_t k = 0; k < t.scatter_shape.size(); ++k)
    wildcard_past_rank = wildcard_past_rank || (t.scatter_shape[k] == -1 && k >= source.size());
  Require(s.ok() != wildcard_past_rank, "ScatterShape accepted a wildcard past the source's rank, or refused one");
  if (!s.ok()) return;
  Require(out.size() == t.scatter_shape.size(), "ScatterShape changed the rank");
  for (size_t k = 0; k < out.size(); ++k)
    Require(out[k] == (t.scatter_shape[k] == -1 ? source[k] : t.scatter_shape[k]), "ScatterShape took a wrong dim");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const int64_t requests = in.SmallInRange(1, 8);
  const int64_t rank = in.SmallInRange(0, 4);
  std::vector<Shape> shapes;
  for (int64_t r = 0; r < requests; ++r) {
    Shape sh;
    for (int64_t k = 0; k < rank; ++k) sh.push_back(k == 0 ? in.SmallInRange(0, 8) : Dim(in));
    int64_t n = 0;
    if (!CheckedElementCount(sh, &n) || n > kMaxElements) return 0;  // validation refuses it, or no request holds it
    shapes.push_back(std::move(sh));
  }
  CheckBatchInput(in, shapes);
  CheckScatterShape(in, shapes[0]);
  return 0;
}
