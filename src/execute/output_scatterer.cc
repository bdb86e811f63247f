#include "execute/output_scatterer.h"

#include <cstring>

#include "common/data_type.h"
#include "execute/bytes_codec.h"
#include "ort/ort_try.h"
#include "triton/error.h"

namespace ortbackend {
namespace {

// The response shape of one request's slice: the batch dim replaced by the
// request's own. (Triton itself maps it back through a config `reshape`.)
void SliceShape(const ExecutionSpec& spec, const TensorSpec& t, const Shape& whole, int64_t batch, Shape* out) {
  if (t.implicit_scalar) {
    out->assign(1, 1);  // the model's scalar, as [1]
    return;
  }
  out->assign(whole.begin(), whole.end());
  if (spec.batching()) (*out)[0] = batch;
}

}  // namespace

Status OutputScatterer::Scatter(RequestBatch& batch, size_t g, Ort::Value* outputs) {
  for (size_t o = 0; o < spec_.outputs.size(); ++o) {
    bool wanted = false;
    for (const uint32_t* r = batch.group_begin(g); r != batch.group_end(g) && !wanted; ++r)
      wanted = batch.wants_output(*r, o);
    if (!wanted) continue;
    Status s = ScatterOne(batch, g, o, outputs[o]);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status OutputScatterer::ScatterOne(RequestBatch& batch, size_t g, size_t o, Ort::Value& value) {
  const TensorSpec& t = spec_.outputs[o];
  const std::string what = "model '" + spec_.model_name + "', output '" + t.name + "'";
  ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  Status s = OrtTry(what, [&] {
    if (!value.IsTensor()) throw Ort::Exception("the model produced a non-tensor value", ORT_FAIL);
    auto info = value.GetTensorTypeAndShapeInfo();
    type = info.GetElementType();
    shape_.resize(info.GetDimensionsCount());
    Ort::ThrowOnError(Ort::GetApi().GetDimensions(info, shape_.data(), shape_.size()));
  });
  if (!s.ok()) return s;
  if (type != t.ort_type)
    return Status::Internal(what + ": the model produced " + OrtTypeName(type) + " but the config says " +
                            DataTypeToConfig(t.dtype));
  int64_t total_batch = 0;
  for (const uint32_t* r = batch.group_begin(g); r != batch.group_end(g); ++r)
    total_batch += batch.request(*r).batch_size;
  if (spec_.batching() && (shape_.empty() || shape_[0] != total_batch))
    return Status::Internal(what + ": the model produced shape " + ShapeToString(shape_) + " for a batch of " +
                            std::to_string(total_batch) + "; its first dim must be the batch size");
  int64_t whole_elements = 0;
  if (!CheckedElementCount(shape_, &whole_elements)) return Status::Internal(what + ": invalid output shape");
  const int64_t item_elements = spec_.batching() ? (total_batch ? whole_elements / total_batch : 0) : whole_elements;

  const char* data = nullptr;
  if (t.is_bytes()) {
    s = OrtTry(what, [&] {
      const size_t len = value.GetStringTensorDataLength();
      strings_.resize(len + 1);  // +1 so data() is never null
      offsets_.resize(static_cast<size_t>(whole_elements) + 1);
      if (whole_elements > 0)
        value.GetStringTensorContent(strings_.data(), len, offsets_.data(), static_cast<size_t>(whole_elements));
      offsets_[static_cast<size_t>(whole_elements)] = len;
    });
    if (!s.ok()) return s;
  } else {
    s = OrtTry(what, [&] { data = static_cast<const char*>(value.GetTensorRawData()); });
    if (!s.ok()) return s;
  }

  int64_t first_element = 0;
  for (const uint32_t* r = batch.group_begin(g); r != batch.group_end(g); ++r) {
    PendingRequest& p = batch.request(*r);
    const int64_t n = spec_.batching() ? p.batch_size * item_elements : whole_elements;
    const int64_t begin = first_element;
    first_element += n;
    if (!batch.wants_output(*r, o) || !p.error.ok()) continue;
    SliceShape(spec_, t, shape_, p.batch_size, &response_shape_);
    TRITONBACKEND_Output* out = nullptr;
    Status rs = FromTritonError(TRITONBACKEND_ResponseOutput(p.response, &out, t.name.c_str(), t.dtype,
                                                        response_shape_.data(),
                                                        static_cast<uint32_t>(response_shape_.size())),
                           (what + ": creating the response output").c_str());
    uint64_t bytes = 0;
    if (t.is_bytes()) {
      const size_t b = static_cast<size_t>(begin), e = static_cast<size_t>(begin + n);
      bytes = EncodedBytesSize(static_cast<uint64_t>(n), offsets_[e] - offsets_[b]);
    } else {
      bytes = static_cast<uint64_t>(n) * t.element_size;
    }
    void* buffer = nullptr;
    TRITONSERVER_MemoryType mem = TRITONSERVER_MEMORY_CPU;
    int64_t mem_id = 0;
    // Even an empty output gets a (zero-byte) buffer: the server's frontends
    // expect every output to have one.
    if (rs.ok())
      rs = FromTritonError(TRITONBACKEND_OutputBuffer(out, &buffer, bytes, &mem, &mem_id),
                           (what + ": allocating the response buffer").c_str());
    if (rs.ok() && bytes > 0 && mem == TRITONSERVER_MEMORY_GPU)
      rs = Status::Unsupported(what + ": the response buffer is in GPU memory, which this CPU build cannot write");
    if (!rs.ok()) {
      p.error = rs;
      continue;
    }
    if (bytes == 0) continue;
    if (t.is_bytes()) {
      char* w = static_cast<char*>(buffer);
      for (int64_t k = begin; k < begin + n; ++k) {
        const size_t a = offsets_[static_cast<size_t>(k)], z = offsets_[static_cast<size_t>(k) + 1];
        w = WriteBytesElement(w, strings_.data() + a, static_cast<uint32_t>(z - a));
      }
    } else {
      std::memcpy(buffer, data + static_cast<uint64_t>(begin) * t.element_size, bytes);
    }
  }
  return Status::Ok();
}

}  // namespace ortbackend
