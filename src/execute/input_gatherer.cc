#include "execute/input_gatherer.h"

#include <cstring>

#include "execute/cuda_graph_slot.h"
#include "ort/ort_try.h"
#include "tensor/batch_input_values.h"
#include "tensor/request_checks.h"

namespace ortbackend {
namespace {

// Calls copy(chunk) for every non-empty chunk of input i of the requests
// [begin, end), in order -- the order they are stacked in -- until it
// returns false.
template <typename Copy>
void ForEachChunk(RequestBatch& batch, const uint32_t* begin, const uint32_t* end, size_t i, Copy&& copy) {
  for (const uint32_t* r = begin; r != end; ++r) {
    const RequestInputView& v = batch.input(*r, i);
    const Chunk* c = batch.chunks(v);
    for (uint32_t k = 0; k < v.chunk_count; ++k)
      if (c[k].size && !copy(c[k])) return;
  }
}

}  // namespace

InputGatherer::InputGatherer(const ExecutionSpec& spec)
    : spec_(spec),
      cpu_info_(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)),
      scratch_(spec.inputs.size()),
      shapes_(spec.inputs.size() + spec.batch_inputs.size()),
      batch_input_data_(spec.batch_inputs.size()) {
  names_.reserve(spec.inputs.size() + spec.batch_inputs.size());
  values_.reserve(spec.inputs.size() + spec.batch_inputs.size());
}

void InputGatherer::UseGpu(InstanceGpu* gpu) {
  gpu_ = gpu;
  cuda_info_ = Ort::MemoryInfo("Cuda", OrtDeviceAllocator, gpu->device, OrtMemTypeDefault);
  // Pinned host memory is CPU memory to ORT's kernels, but ORT's CUDA copy
  // from it is asynchronous; from plain host memory it is a synchronous one.
  pinned_info_ = Ort::MemoryInfo("CudaPinned", OrtDeviceAllocator, gpu->device, OrtMemTypeCPUOutput);
  for (size_t i = 0; i < spec_.inputs.size(); ++i) {
    pinned_.emplace_back(gpu->cuda, gpu::CudaBuffer::Kind::kPinnedHost);
    device_.emplace_back(gpu->cuda, gpu::CudaBuffer::Kind::kDevice);
  }
}

void InputGatherer::Clear() {
  names_.clear();
  values_.clear();
}

Status InputGatherer::Gather(RequestBatch& batch, const RunPlan& plan) {
  Clear();
  for (size_t i = 0; i < spec_.inputs.size(); ++i) {
    const RequestInputView& v = batch.input(plan.leader(), i);
    if (!v.present) continue;  // an optional input nobody in this group sent
    ORTB_RETURN_IF_ERROR(spec_.inputs[i].is_bytes() ? GatherBytes(batch, plan, i) : GatherTensor(batch, plan, i));
    names_.push_back(spec_.inputs[i].name.c_str());
  }
  for (size_t k = 0; k < spec_.batch_inputs.size(); ++k) {
    ORTB_RETURN_IF_ERROR(GatherBatchInput(batch, plan, k));
    names_.push_back(spec_.batch_inputs[k].target.c_str());
  }
  return Status::Ok();
}

void InputGatherer::GroupShape(RequestBatch& batch, const RunPlan& plan, size_t i, Shape* shape) const {
  const TensorSpec& t = spec_.inputs[i];
  if (!t.ragged) {
    const RequestInputView& lead = batch.input(plan.leader(), i);
    ModelShapeFor(spec_, t, DimsView(lead.shape, lead.rank), plan.total_batch, shape);
    return;
  }
  // Each request's count was checked at validation; their sum is bounded by
  // the bytes the requests really hold.
  int64_t elements = 0;
  for (const uint32_t* r = plan.begin; r != plan.end; ++r) elements += batch.input(*r, i).elements;
  shape->assign(1, elements);
}

Status InputGatherer::GatherBatchInput(RequestBatch& batch, const RunPlan& plan, size_t k) {
  const BatchInputSpec& b = spec_.batch_inputs[k];
  sources_.clear();
  for (const uint32_t* r = plan.begin; r != plan.end; ++r) {
    const RequestInputView& v = batch.input(*r, static_cast<size_t>(b.source));
    // An optional source input that this group's requests left out.
    if (!v.present)
      return Status::InvalidArgument(b.context + ": the requests did not send its source input '" +
                                     spec_.inputs[b.source].name + "'");
    sources_.emplace_back(v.shape, v.rank);
  }
  Shape& shape = shapes_[spec_.inputs.size() + k];
  std::vector<char>& data = batch_input_data_[k];
  ORTB_RETURN_IF_ERROR(ComputeBatchInput(b, sources_, &shape, &data));
  // Computed, not copied, so bytes_copied does not count it. Host memory even
  // for GPU instances: ORT moves it to the device with the rest of the run.
  int64_t elements = 0;
  (void)CheckedElementCount(shape, &elements);
  return OrtTry(b.context, [&] {
    values_.push_back(Ort::Value::CreateTensor(cpu_info_, data.data(), static_cast<size_t>(elements) * b.element_size,
                                               shape.data(), shape.size(), b.ort_type));
  });
}

Status InputGatherer::GatherTensor(RequestBatch& batch, const RunPlan& plan, size_t i) {
  const TensorSpec& t = spec_.inputs[i];
  const uint32_t* begin = plan.begin;
  const uint32_t* end = plan.end;
  const RequestInputView& lead = batch.input(plan.leader(), i);
  Shape& shape = shapes_[i];
  GroupShape(batch, plan, i, &shape);

  const int gpu_device = gpu_ != nullptr ? gpu_->device : -1;
  ChunkSummary summary;
  uint64_t total = 0;
  for (const uint32_t* r = begin; r != end; ++r) {
    const RequestInputView& v = batch.input(*r, i);
    total += v.byte_size;
    summary.AddRequest();
    const MemoryLocation* where = batch.locations(v);
    for (uint32_t k = 0; k < v.chunk_count; ++k) summary.Add(where[k], gpu_device);
  }
  const std::string& what = t.context;

  void* data = nullptr;
  const Ort::MemoryInfo* info = &cpu_info_;
  switch (RouteInput(summary, gpu_device, gpu_ != nullptr && gpu_->cuda_graphs)) {
    case InputRoute::kWrapHost:
    case InputRoute::kWrapDevice:
      // Zero copy: ORT only reads inputs, so handing it Triton's buffer (host
      // or CUDA shared memory on this GPU) is safe.
      data = const_cast<char*>(batch.chunks(lead)[0].data);
      if (summary.gpu_chunks > 0) {
        info = &cuda_info_;
        ++device_in_place_;
      }
      break;
    case InputRoute::kStageHost: {
      // Stacking several requests (or joining split buffers) needs one
      // contiguous tensor, so this copy cannot be avoided.
      char* out = nullptr;
      if (gpu_ != nullptr) {
        ORTB_RETURN_IF_ERROR(pinned_[i].Reserve(total, what));
        out = static_cast<char*>(pinned_[i].data());
        info = &pinned_info_;
      } else {
        std::vector<char>& buf = scratch_[i];
        if (buf.size() < total) buf.resize(total);
        out = buf.data();
      }
      data = out;
      ForEachChunk(batch, begin, end, i, [&](const Chunk& c) {
        std::memcpy(out, c.data, c.size);
        out += c.size;
        return true;
      });
      bytes_copied_ += total;
      break;
    }
    case InputRoute::kStageDevice: {
      // One contiguous device tensor: the parts of a batch, a buffer from
      // another GPU, or (CUDA graphs) the persistent buffer the graph reads.
      gpu::CudaBuffer* buf = &device_[i];
      if (plan.graph != nullptr) {
        auto& slots = plan.graph->inputs;
        if (slots.empty())
          for (size_t k = 0; k < spec_.inputs.size(); ++k)
            slots.emplace_back(gpu_->cuda, gpu::CudaBuffer::Kind::kDevice);
        buf = &slots[i];
      }
      ORTB_RETURN_IF_ERROR(buf->Reserve(total, what));
      char* out = static_cast<char*>(buf->data());
      data = out;
      info = &cuda_info_;
      gpu::CudaError err = 0;
      ForEachChunk(batch, begin, end, i, [&](const Chunk& c) {
        // Ordered before ORT's kernels: ORT computes on the same stream.
        err = gpu_->cuda->MemcpyAsync(out, c.data, c.size, gpu::kCudaMemcpyDefault, gpu_->stream.get());
        out += c.size;
        return err == 0;
      });
      if (err != 0) return gpu_->cuda->Check(err, what + ": copying to GPU " + std::to_string(gpu_->device));
      bytes_copied_ += total;
      break;
    }
  }
  if (data == nullptr) {
    // A zero-element tensor still needs a non-null address for ORT.
    std::vector<char>& buf = scratch_[i];
    if (buf.empty()) buf.resize(1);
    data = buf.data();
    info = &cpu_info_;
  }
  return OrtTry(what, [&] {
    values_.push_back(Ort::Value::CreateTensor(*info, data, total, shape.data(), shape.size(), t.ort_type));
  });
}

Status InputGatherer::GatherBytes(RequestBatch& batch, const RunPlan& plan, size_t i) {
  const TensorSpec& t = spec_.inputs[i];
  const uint32_t* begin = plan.begin;
  const uint32_t* end = plan.end;
  Shape& shape = shapes_[i];
  GroupShape(batch, plan, i, &shape);
  const std::string& what = t.context;
  return OrtTry(what, [&] {
    Ort::Value value = Ort::Value::CreateTensor(allocator_, shape.data(), shape.size(), t.ort_type);
    size_t base = 0;
    for (const uint32_t* r = begin; r != end; ++r) {
      const RequestInputView& v = batch.input(*r, i);
      // Each element is written straight into ORT's own string storage.
      Status d = DecodeBytesElements(
          batch.chunks(v), v.chunk_count, v.elements, what,
          [&](int64_t k, uint32_t len) -> char* { return value.GetResizedStringTensorElementBuffer(base + k, len); });
      if (!d.ok()) throw Ort::Exception(d.message().c_str(), ORT_INVALID_ARGUMENT);
      base += static_cast<size_t>(v.elements);
    }
    values_.push_back(std::move(value));
  });
}

}  // namespace ortbackend
