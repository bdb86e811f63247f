#include "tensor/request_checks.h"

#include "common/data_type.h"

namespace ortbackend {
namespace {

std::string Prefix(const ExecutionSpec& spec, const TensorSpec& t) {
  return TensorContext(spec.model_name, "input", t.name) + ": ";
}

std::string ExpectedShape(const ExecutionSpec& spec, const TensorSpec& t) {
  Shape full;
  if (spec.batching()) full.push_back(-1);
  full.insert(full.end(), t.dims.begin(), t.dims.end());
  std::string s = ShapeToString(full);
  if (spec.batching()) s += " (first dim is the batch size, 1 to " + std::to_string(spec.max_batch_size) + ")";
  return s;
}

}  // namespace

Status CheckRequestInput(const ExecutionSpec& spec, const TensorSpec& t, TRITONSERVER_DataType dtype, DimsView shape,
                         uint64_t byte_size, InputCheck* out) {
  if (dtype != t.dtype)
    return Status::InvalidArgument(Prefix(spec, t) + "expected data type " + DataTypeName(t.dtype) + ", got " +
                                   DataTypeName(dtype));
  // An implicit scalar's dims are the config's all-ones shape.
  const Shape& dims = t.dims;
  const size_t offset = spec.batching() ? 1 : 0;
  bool ok = shape.size == dims.size() + offset;
  for (size_t i = 0; ok && i < dims.size(); ++i) {
    const int64_t d = shape[i + offset];
    ok = d >= 0 && (dims[i] == -1 || dims[i] == d);
  }
  if (ok && spec.batching()) ok = shape[0] >= 1 && shape[0] <= spec.max_batch_size;
  if (!ok)
    return Status::InvalidArgument(Prefix(spec, t) + "expected shape " + ExpectedShape(spec, t) + ", got " +
                                   ShapeToString(shape));
  out->batch_size = spec.batching() ? shape[0] : 1;
  if (!CheckedElementCount(shape, &out->elements))
    return Status::InvalidArgument(Prefix(spec, t) + "shape " + ShapeToString(shape) +
                                   " has more elements than can be addressed");
  if (!t.is_bytes()) {
    uint64_t expected = 0;
    if (!CheckedByteSize(out->elements, t.element_size, &expected))
      return Status::InvalidArgument(Prefix(spec, t) + "shape " + ShapeToString(shape) +
                                     " is too large: its byte size overflows 64 bits");
    if (expected != byte_size)
      return Status::InvalidArgument(Prefix(spec, t) + "shape " + ShapeToString(shape) + " of " +
                                     DataTypeName(t.dtype) + " needs " + std::to_string(expected) + " bytes, got " +
                                     std::to_string(byte_size));
  }
  return Status::Ok();
}

}  // namespace ortbackend
