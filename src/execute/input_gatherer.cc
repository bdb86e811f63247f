#include "execute/input_gatherer.h"

#include <cstring>

#include "execute/request_checks.h"
#include "ort/ort_try.h"

namespace ortbackend {

InputGatherer::InputGatherer(const ExecutionSpec& spec)
    : spec_(spec),
      cpu_info_(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)),
      scratch_(spec.inputs.size()),
      shapes_(spec.inputs.size()) {
  names_.reserve(spec.inputs.size());
  values_.reserve(spec.inputs.size());
}

void InputGatherer::Clear() {
  names_.clear();
  values_.clear();
}

Status InputGatherer::Gather(RequestBatch& batch, size_t g) {
  Clear();
  const int64_t total_batch = batch.group_batch_size(g);
  const uint32_t leader = *batch.group_begin(g);
  for (size_t i = 0; i < spec_.inputs.size(); ++i) {
    const RequestInputView& v = batch.input(leader, i);
    if (!v.present) continue;  // an optional input nobody in this group sent
    Status s = spec_.inputs[i].is_bytes() ? GatherBytes(batch, g, i, total_batch)
                                          : GatherTensor(batch, g, i, total_batch);
    if (!s.ok()) return s;
    names_.push_back(spec_.inputs[i].name.c_str());
  }
  return Status::Ok();
}

Status InputGatherer::GatherTensor(RequestBatch& batch, size_t g, size_t i, int64_t total_batch) {
  const TensorSpec& t = spec_.inputs[i];
  const uint32_t* begin = batch.group_begin(g);
  const uint32_t* end = batch.group_end(g);
  const RequestInputView& lead = batch.input(*begin, i);
  Shape& shape = shapes_[i];
  ModelShapeFor(spec_, t, DimsView(lead.shape, lead.rank), total_batch, &shape);

  void* data = nullptr;
  uint64_t total = 0;
  if (end - begin == 1 && lead.chunk_count == 1) {
    // Zero copy: ORT only reads inputs, so handing it Triton's buffer is safe.
    data = const_cast<char*>(batch.chunks(lead)[0].data);
    total = lead.byte_size;
  } else {
    // Stacking several requests (or joining split buffers) needs one
    // contiguous tensor, so this copy cannot be avoided.
    for (const uint32_t* r = begin; r != end; ++r) total += batch.input(*r, i).byte_size;
    std::vector<char>& buf = scratch_[i];
    if (buf.size() < total) buf.resize(total);
    char* out = buf.data();
    for (const uint32_t* r = begin; r != end; ++r) {
      const RequestInputView& v = batch.input(*r, i);
      const Chunk* c = batch.chunks(v);
      for (uint32_t k = 0; k < v.chunk_count; ++k) {
        if (c[k].size) std::memcpy(out, c[k].data, c[k].size);
        out += c[k].size;
      }
    }
    bytes_copied_ += total;
    data = buf.data();
  }
  if (data == nullptr) {
    // A zero-element tensor still needs a non-null address for ORT.
    std::vector<char>& buf = scratch_[i];
    if (buf.empty()) buf.resize(1);
    data = buf.data();
  }
  return OrtTry([&] { return "model '" + spec_.model_name + "', input '" + t.name + "'"; }, [&] {
    values_.push_back(Ort::Value::CreateTensor(cpu_info_, data, total, shape.data(), shape.size(), t.ort_type));
  });
}

Status InputGatherer::GatherBytes(RequestBatch& batch, size_t g, size_t i, int64_t total_batch) {
  const TensorSpec& t = spec_.inputs[i];
  const uint32_t* begin = batch.group_begin(g);
  const uint32_t* end = batch.group_end(g);
  const RequestInputView& lead = batch.input(*begin, i);
  Shape& shape = shapes_[i];
  ModelShapeFor(spec_, t, DimsView(lead.shape, lead.rank), total_batch, &shape);
  const std::string what = "model '" + spec_.model_name + "', input '" + t.name + "'";
  return OrtTry(what, [&] {
    Ort::Value value = Ort::Value::CreateTensor(allocator_, shape.data(), shape.size(), t.ort_type);
    size_t base = 0;
    for (const uint32_t* r = begin; r != end; ++r) {
      const RequestInputView& v = batch.input(*r, i);
      // Each element is written straight into ORT's own string storage.
      Status d = DecodeBytesElements(batch.chunks(v), v.chunk_count, v.elements, what,
                                     [&](int64_t k, uint32_t len) -> char* {
                                       return value.GetResizedStringTensorElementBuffer(base + k, len);
                                     });
      if (!d.ok()) throw Ort::Exception(d.message().c_str(), ORT_INVALID_ARGUMENT);
      base += static_cast<size_t>(v.elements);
    }
    values_.push_back(std::move(value));
  });
}

}  // namespace ortbackend
