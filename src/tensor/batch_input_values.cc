#include "tensor/batch_input_values.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ortbackend {
namespace {

using Kind = BatchInputConfig::Kind;

bool AddChecked(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

// Writes values into a tensor of the batch input's type, one at a time.
class ValueWriter {
 public:
  ValueWriter(const BatchInputSpec& b, char* out) : dtype_(b.dtype), size_(b.element_size), out_(out) {}
  void Put(int64_t v) {
    switch (dtype_) {
      case TRITONSERVER_TYPE_FP32: Store(static_cast<float>(v)); break;
      case TRITONSERVER_TYPE_INT32: Store(static_cast<int32_t>(v)); break;
      default: Store(v); break;  // INT64: the parser admits no other type
    }
  }

 private:
  template <typename T>
  void Store(T v) {
    std::memcpy(out_ + next_ * size_, &v, sizeof(T));
    ++next_;
  }
  TRITONSERVER_DataType dtype_;
  size_t size_;
  char* out_;
  size_t next_ = 0;
};

}  // namespace

Status ComputeBatchInput(const BatchInputSpec& b, const std::vector<DimsView>& sources, Shape* shape,
                         std::vector<char>* data) {
  shape->clear();
  const int64_t requests = static_cast<int64_t>(sources.size());
  auto too_large = [&] {
    return Status::InvalidArgument(b.context + ": the batched requests' shapes are too large to describe");
  };
  // First the shape (and so the size), then the values.
  int64_t count = 0;
  size_t rank = 0;
  switch (b.kind) {
    case Kind::kElementCount:
    case Kind::kAccumulatedElementCount: count = requests; break;
    case Kind::kAccumulatedElementCountWithZero: count = requests + 1; break;
    case Kind::kMaxElementCountAsShape:
      for (const DimsView& s : sources) {
        int64_t n = 0;
        if (!CheckedElementCount(s, &n)) return too_large();
        count = std::max(count, n);
      }
      break;
    case Kind::kItemShape:
    case Kind::kItemShapeFlatten: {
      // RequestBatch groups requests by rank, so one rank holds for all.
      rank = sources.empty() ? 1 : sources[0].size;
      if (rank == 0)
        return Status::InvalidArgument(b.context + ": its source input has no batch dim to take item shapes from");
      int64_t items = 0;
      for (const DimsView& s : sources) {
        if (s.size != rank) return Status::Internal(b.context + ": the group's source shapes differ in rank");
        if (!AddChecked(items, s[0], &items)) return too_large();
      }
      if (__builtin_mul_overflow(items, static_cast<int64_t>(rank - 1), &count)) return too_large();
      if (b.kind == Kind::kItemShape) shape->push_back(items), shape->push_back(static_cast<int64_t>(rank - 1));
      break;
    }
  }
  if (shape->empty()) shape->push_back(count);
  uint64_t bytes = 0;
  if (!CheckedByteSize(count, b.element_size, &bytes)) return too_large();
  data->resize(std::max<uint64_t>(1, bytes));
  ValueWriter w(b, data->data());
  switch (b.kind) {
    case Kind::kElementCount:
    case Kind::kAccumulatedElementCount:
    case Kind::kAccumulatedElementCountWithZero: {
      const bool accumulate = b.kind != Kind::kElementCount;
      if (b.kind == Kind::kAccumulatedElementCountWithZero) w.Put(0);
      int64_t sum = 0;
      for (const DimsView& s : sources) {
        int64_t n = 0;
        if (!CheckedElementCount(s, &n)) return too_large();
        if (accumulate && !AddChecked(sum, n, &sum)) return too_large();
        w.Put(accumulate ? sum : n);
      }
      break;
    }
    case Kind::kMaxElementCountAsShape:
      // Only the shape carries the value; the contents are zeros.
      std::memset(data->data(), 0, data->size());
      break;
    case Kind::kItemShape:
    case Kind::kItemShapeFlatten:
      for (const DimsView& s : sources)
        for (int64_t i = 0; i < s[0]; ++i)
          for (size_t d = 1; d < rank; ++d) w.Put(s[d]);
      break;
  }
  return Status::Ok();
}

Status ScatterShape(const TensorSpec& t, const std::string& source_name, DimsView source, Shape* out) {
  out->assign(t.scatter_shape.begin(), t.scatter_shape.end());
  for (size_t k = 0; k < out->size(); ++k) {
    if ((*out)[k] != -1) continue;
    if (k >= source.size)
      return Status::InvalidArgument(t.context + ": its dim " + std::to_string(k) + " follows input '" + source_name +
                                     "', whose shape " + ShapeToString(source) + " has no dim " + std::to_string(k));
    (*out)[k] = source[k];
  }
  return Status::Ok();
}

bool BoundScatterShape(const Shape& model, const Shape& response, Shape* out) {
  if (model.size() == response.size()) {
    out->assign(response.begin(), response.end());
  } else if (model.size() == 1) {
    int64_t elements = 0;
    if (!CheckedElementCount(response, &elements)) return false;
    out->assign(1, elements);
  } else {
    return false;
  }
  for (size_t k = 0; k < model.size(); ++k)
    if (model[k] >= 0 && model[k] != (*out)[k]) return false;
  return true;
}

}  // namespace ortbackend
