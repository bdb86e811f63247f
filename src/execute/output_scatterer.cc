#include "execute/output_scatterer.h"

#include <cstring>

#include "common/data_type.h"
#include "execute/cuda_graph_slot.h"
#include "ort/ort_try.h"
#include "tensor/batch_input_values.h"
#include "tensor/bytes_codec.h"
#include "tensor/memory_placement.h"
#include "triton/error.h"
#include "triton/sequence_state.h"

namespace ortbackend {
namespace {

// The response shape of one request's slice: the batch dim replaced by the
// request's own. (Triton itself maps it back through a config `reshape`.)
void SliceShape(const ExecutionSpec& spec, const TensorSpec& t, const Shape& whole, int64_t batch, Shape* out) {
  if (t.implicit_scalar) {
    out->assign(t.dims.begin(), t.dims.end());  // the model's scalar, as the config's all-ones shape
    return;
  }
  out->assign(whole.begin(), whole.end());
  if (spec.batching()) (*out)[0] = batch;
}

Status NewOutputBuffer(TRITONBACKEND_Response* response, const TensorSpec& t, const Shape& shape, uint64_t bytes,
                       void** buffer, MemoryLocation* where) {
  TRITONBACKEND_Output* out = nullptr;
  TRITONSERVER_Error* err = TRITONBACKEND_ResponseOutput(response, &out, t.name.c_str(), t.dtype, shape.data(),
                                                         static_cast<uint32_t>(shape.size()));
  // Even an empty output gets a (zero-byte) buffer: the server's frontends
  // expect every output to have one.
  // CPU is only the preference: a frontend returns the client's CUDA shared
  // memory region when it registered one for this output, whatever we ask.
  int64_t mem_id = 0;
  TRITONSERVER_MemoryType mem = TRITONSERVER_MEMORY_CPU;
  if (err == nullptr) err = TRITONBACKEND_OutputBuffer(out, buffer, bytes, &mem, &mem_id);
  *where = MemoryLocation{mem == TRITONSERVER_MEMORY_GPU, mem_id};
  return FromTritonError(err, "creating a response output");
}

}  // namespace

OutputScatterer::OutputScatterer(const ExecutionSpec& spec)
    : spec_(spec), cpu_info_(Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault)) {
  names_.reserve(spec.outputs.size());
  values_.reserve(spec.outputs.size());
  index_.reserve(spec.outputs.size());
  bound_.reserve(spec.outputs.size());
}

void OutputScatterer::UseGpu(InstanceGpu* gpu) {
  gpu_ = gpu;
  cuda_info_ = Ort::MemoryInfo("Cuda", OrtDeviceAllocator, gpu->device, OrtMemTypeDefault);
}

void OutputScatterer::Clear() {
  names_.clear();
  values_.clear();
  index_.clear();
  bound_.clear();
}

Status OutputScatterer::Prepare(RequestBatch& batch, const RunPlan& plan) {
  Clear();
  const uint32_t* begin = plan.begin;
  const uint32_t* end = plan.end;
  if (plan.graph != nullptr) {
    // A graph is captured for one set of outputs at fixed addresses, so every
    // run computes all of them into the same buffers.
    for (size_t o = 0; o < spec_.outputs.size(); ++o) {
      names_.push_back(spec_.outputs[o].name.c_str());
      index_.push_back(static_cast<uint32_t>(o));
      values_.emplace_back(nullptr);
      bound_.push_back(0);
      ORTB_RETURN_IF_ERROR(BindGraphOutput(batch, plan, o, &values_.back()));
    }
    return Status::Ok();
  }
  for (size_t o = 0; o < spec_.outputs.size(); ++o) {
    bool wanted = false;
    for (const uint32_t* r = begin; r != end && !wanted; ++r) wanted = batch.wants_output(*r, o);
    // Nobody asked and no state needs it: ORT need not compute it.
    if (!wanted && !spec_.outputs[o].feeds_state) continue;
    names_.push_back(spec_.outputs[o].name.c_str());
    index_.push_back(static_cast<uint32_t>(o));
    values_.emplace_back(nullptr);
    bound_.push_back(wanted && end - begin == 1 && TryBind(batch, *begin, o, &values_.back()));
  }
  if (names_.empty()) {
    // ORT needs at least one output; compute the first and return nothing.
    names_.push_back(spec_.outputs[0].name.c_str());
    index_.push_back(0);
    values_.emplace_back(nullptr);
    bound_.push_back(1);  // nothing to scatter
  }
  return Status::Ok();
}

bool OutputScatterer::RecipeShape(RequestBatch& batch, uint32_t r, size_t o, int64_t batch_size, Shape* out) const {
  const TensorSpec& t = spec_.outputs[o];
  if (t.shape_recipe.empty()) return false;
  out->resize(t.shape_recipe.size());
  for (size_t k = 0; k < t.shape_recipe.size(); ++k) {
    const DimSource& d = t.shape_recipe[k];
    if (d.kind == DimSource::kFixed) {
      (*out)[k] = d.value;
    } else if (d.kind == DimSource::kBatch) {
      (*out)[k] = batch_size;
    } else {
      const RequestInputView& in = batch.input(r, static_cast<size_t>(d.input));
      if (!in.present || static_cast<uint32_t>(d.dim) >= in.rank) return false;
      (*out)[k] = in.shape[d.dim];
    }
  }
  return true;
}

Status OutputScatterer::BindGraphOutput(RequestBatch& batch, const RunPlan& plan, size_t o, Ort::Value* value) {
  const TensorSpec& t = spec_.outputs[o];
  const std::string& what = t.context;
  int64_t elements = 0;
  uint64_t bytes = 0;
  // CheckCudaGraphShapes made sure at load that every recipe is complete.
  if (!RecipeShape(batch, plan.leader(), o, plan.total_batch, &shape_) || !CheckedElementCount(shape_, &elements) ||
      !CheckedByteSize(elements, t.element_size, &bytes))
    return Status::Internal(what + ": the output shape is not known before the run, which CUDA graphs need");
  auto& slots = plan.graph->outputs;
  if (slots.empty())
    for (size_t k = 0; k < spec_.outputs.size(); ++k) slots.emplace_back(gpu_->cuda, gpu::CudaBuffer::Kind::kDevice);
  ORTB_RETURN_IF_ERROR(slots[o].Reserve(bytes, what));
  return OrtTry(what, [&] {
    *value = Ort::Value::CreateTensor(cuda_info_, slots[o].data(), bytes, shape_.data(), shape_.size(), t.ort_type);
  });
}

bool OutputScatterer::TryBind(RequestBatch& batch, uint32_t r, size_t o, Ort::Value* value) {
  const TensorSpec& t = spec_.outputs[o];
  PendingRequest& p = batch.request(r);
  // shape_ is what ORT writes; `response` what the response declares. They
  // differ only for a batch output, whose response follows its source input.
  const Shape* response = &shape_;
  if (t.scatter_source >= 0) {
    if (!BatchOutputShapes(batch, r, t)) return false;
    response = &response_shape_;
  } else if (!RecipeShape(batch, r, o, p.batch_size, &shape_)) {
    return false;
  }
  int64_t elements = 0;
  uint64_t bytes = 0;
  if (!CheckedElementCount(shape_, &elements) || !CheckedByteSize(elements, t.element_size, &bytes)) return false;
  void* buffer = nullptr;
  MemoryLocation where;
  Status s = NewOutputBuffer(p.response, t, *response, bytes, &buffer, &where);
  if (!s.ok()) {
    p.error = s.WithContext(t.context);
    return true;  // the request has failed; nothing to scatter for it
  }
  const int gpu_device = gpu_ != nullptr ? gpu_->device : -1;
  const OutputRoute route = RouteBoundOutput(where, gpu_device);
  if (route == OutputRoute::kReject) {
    p.error = Status::Unsupported(OutputLocationError(spec_.model_name, t, where, gpu_device, kGpuBuild));
    return true;
  }
  static char empty_tensor;  // ORT wants a non-null address even for zero bytes
  const bool on_device = route == OutputRoute::kBindDevice && buffer != nullptr;
  const Ort::MemoryInfo& info = on_device ? cuda_info_ : cpu_info_;
  if (on_device) ++device_in_place_;
  Status cs = OrtTry(t.context, [&] {
    *value = Ort::Value::CreateTensor(info, buffer ? buffer : &empty_tensor, bytes, shape_.data(), shape_.size(),
                                      t.ort_type);
  });
  if (!cs.ok()) p.error = cs;
  return true;
}

bool OutputScatterer::BatchOutputShapes(RequestBatch& batch, uint32_t r, const TensorSpec& t) {
  if (t.is_bytes() || t.feeds_state) return false;
  // A lone request's slice is the whole output. A source input that is
  // missing or too short is left to Scatter, which fails the request with the
  // reason.
  const RequestInputView& source = batch.input(r, static_cast<size_t>(t.scatter_source));
  if (!source.present) return false;
  if (!ScatterShape(t, spec_.inputs[t.scatter_source].name, DimsView(source.shape, source.rank), &response_shape_).ok())
    return false;
  return BoundScatterShape(t.scatter_model_shape, response_shape_, &shape_);
}

Status OutputScatterer::CopyOut(void* dst, MemoryLocation dst_where, const void* src, bool src_on_gpu, uint64_t bytes,
                                const std::string& what) {
  if (!dst_where.gpu && !src_on_gpu) {
    std::memcpy(dst, src, bytes);
    return Status::Ok();
  }
  // Device involved: one copy on the instance's stream (host->device,
  // device->host or device->device), waited for once per Scatter.
  device_copies_ = true;
  const gpu::CudaError err = gpu_->cuda->MemcpyAsync(dst, src, bytes, gpu::kCudaMemcpyDefault, gpu_->stream.get());
  // The message is built only on failure: this runs once per request slice.
  return err == 0 ? Status::Ok() : gpu_->cuda->Check(err, what + ": copying the response");
}

Status OutputScatterer::Scatter(RequestBatch& batch, const RunPlan& plan) {
  device_copies_ = false;
  Status s;
  for (size_t k = 0; k < names_.size() && s.ok(); ++k) {
    const size_t o = index_[k];
    const bool to_responses = !bound_[k], to_states = spec_.outputs[o].feeds_state;
    if (!to_responses && !to_states) continue;
    OutputView view;
    s = ReadOutput(plan, o, values_[k], &view);
    if (s.ok()) s = Distribute(batch, plan, o, view, to_responses, to_states);
  }
  // The responses and states are handed to the server after this returns:
  // their bytes must be in place.
  if (device_copies_) {
    Status w = gpu_->stream.Synchronize("model '" + spec_.model_name + "': waiting for the output copies");
    if (s.ok()) s = w;
  }
  return s;
}

Status OutputScatterer::ReadOutput(const RunPlan& plan, size_t o, Ort::Value& value, OutputView* view) {
  const TensorSpec& t = spec_.outputs[o];
  const std::string& what = t.context;
  ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  Status s = OrtTry(what, [&] {
    if (!value.IsTensor()) throw Ort::Exception("the model produced a non-tensor value", ORT_FAIL);
    auto info = value.GetTensorTypeAndShapeInfo();
    type = info.GetElementType();
    shape_.resize(info.GetDimensionsCount());
    Ort::ThrowOnError(Ort::GetApi().GetDimensions(info, shape_.data(), shape_.size()));
  });
  ORTB_RETURN_IF_ERROR(s);
  if (type != t.ort_type)
    return Status::Internal(what + ": the model produced " + OrtTypeName(type) + " but the config says " +
                            DataTypeToConfig(t.dtype));
  const int64_t total_batch = plan.total_batch;
  // A batch output is split by its source input's shapes instead (Distribute).
  if (spec_.batching() && t.scatter_source < 0 && (shape_.empty() || shape_[0] != total_batch))
    return Status::Internal(what + ": the model produced shape " + ShapeToString(shape_) + " for a batch of " +
                            std::to_string(total_batch) + "; its first dim must be the batch size");
  if (!CheckedElementCount(shape_, &view->whole_elements)) return Status::Internal(what + ": invalid output shape");
  view->item_elements =
      spec_.batching() ? (total_batch ? view->whole_elements / total_batch : 0) : view->whole_elements;
  if (t.is_bytes()) {
    const int64_t whole = view->whole_elements;
    return OrtTry(what, [&] {
      const size_t len = value.GetStringTensorDataLength();
      strings_.resize(len + 1);  // +1 so data() is never null
      offsets_.resize(static_cast<size_t>(whole) + 1);
      if (whole > 0) value.GetStringTensorContent(strings_.data(), len, offsets_.data(), static_cast<size_t>(whole));
      offsets_[static_cast<size_t>(whole)] = len;
    });
  }
  return OrtTry(what, [&] {
    view->data = static_cast<const char*>(value.GetTensorRawData());
    // Device memory when ORT wrote into a CUDA graph's buffer.
    view->on_gpu = value.GetTensorMemoryInfo().GetDeviceType() == OrtMemoryInfoDeviceType_GPU;
  });
}

Status OutputScatterer::ResponseShape(RequestBatch& batch, uint32_t r, size_t o, const OutputView& view,
                                      int64_t* elements) {
  const TensorSpec& t = spec_.outputs[o];
  const PendingRequest& p = batch.request(r);
  if (t.scatter_source < 0) {
    SliceShape(spec_, t, shape_, p.batch_size, &response_shape_);
    *elements = spec_.batching() ? p.batch_size * view.item_elements : view.whole_elements;
    return Status::Ok();
  }
  // A source input left out (optional) has rank 0, which ScatterShape refuses.
  const RequestInputView& source = batch.input(r, static_cast<size_t>(t.scatter_source));
  Status s =
      ScatterShape(t, spec_.inputs[t.scatter_source].name, DimsView(source.shape, source.rank), &response_shape_);
  if (s.ok() && !CheckedElementCount(response_shape_, elements))
    s = Status::InvalidArgument(t.context + ": shape " + ShapeToString(response_shape_) + " is too large");
  if (!s.ok()) *elements = 0;
  return s;
}

uint64_t OutputScatterer::SliceBytes(const TensorSpec& t, int64_t begin, int64_t n) const {
  if (!t.is_bytes()) return static_cast<uint64_t>(n) * t.element_size;
  const size_t b = static_cast<size_t>(begin), e = static_cast<size_t>(begin + n);
  return EncodedBytesSize(static_cast<uint64_t>(n), offsets_[e] - offsets_[b]);
}

Status OutputScatterer::WriteSlice(const TensorSpec& t, const OutputView& view, int64_t begin, int64_t n, void* dst,
                                   MemoryLocation dst_where) {
  const uint64_t bytes = SliceBytes(t, begin, n);
  if (bytes == 0) return Status::Ok();
  if (t.is_bytes()) {
    char* w = static_cast<char*>(dst);
    for (int64_t k = begin; k < begin + n; ++k) {
      const size_t a = offsets_[static_cast<size_t>(k)], z = offsets_[static_cast<size_t>(k) + 1];
      w = WriteBytesElement(w, strings_.data() + a, static_cast<uint32_t>(z - a));
    }
  } else {
    // ORT allocated this output (its shape was not known before the run, a
    // batch shares it, or a CUDA graph wrote it), so each slice is copied once.
    ORTB_RETURN_IF_ERROR(CopyOut(dst, dst_where, view.data + static_cast<uint64_t>(begin) * t.element_size, view.on_gpu,
                                 bytes, t.context));
  }
  bytes_copied_ += bytes;
  return Status::Ok();
}

Status OutputScatterer::Distribute(RequestBatch& batch, const RunPlan& plan, size_t o, const OutputView& view,
                                   bool to_responses, bool to_states) {
  const TensorSpec& t = spec_.outputs[o];
  int64_t first_element = 0;
  for (const uint32_t* r = plan.begin; r != plan.end; ++r) {
    PendingRequest& p = batch.request(*r);
    int64_t n = 0;
    Status shaped = ResponseShape(batch, *r, o, view, &n);
    const int64_t begin = first_element;
    first_element += n;
    if (shaped.ok() && first_element > view.whole_elements)
      shaped = Status::Internal(t.context + ": the model produced " + std::to_string(view.whole_elements) +
                                " elements, fewer than the batched requests' shapes of input '" +
                                spec_.inputs[t.scatter_source].name + "' need");
    if (!shaped.ok() && p.error.ok()) p.error = shaped;
    if (!p.error.ok()) continue;
    const uint64_t bytes = SliceBytes(t, begin, n);
    if (to_responses && batch.wants_output(*r, o)) {
      void* buffer = nullptr;
      MemoryLocation where;
      Status rs = NewOutputBuffer(p.response, t, response_shape_, bytes, &buffer, &where);
      if (!rs.ok())
        rs = rs.WithContext(t.context);
      else if (bytes > 0 && where.gpu && (gpu_ == nullptr || t.is_bytes()))
        rs = Status::Unsupported(
            OutputLocationError(spec_.model_name, t, where, gpu_ != nullptr ? gpu_->device : -1, kGpuBuild));
      if (!rs.ok()) {
        p.error = rs;
        continue;  // a failed request leaves its sequence's state as it was
      }
      ORTB_RETURN_IF_ERROR(WriteSlice(t, view, begin, n, buffer, where));
    }
    // Requests outside any sequence (warmup) have no state to update.
    if (!to_states || !p.in_sequence) continue;
    StateWrite state;
    Status ss = state.Begin(p.request, t.name.c_str(), t.dtype, response_shape_, bytes);
    if (ss.ok()) {
      // StateWrite asks for a CPU buffer; a device source (a CUDA graph's
      // output) is copied on the stream, waited for before Scatter returns,
      // and the server reads the state only for the sequence's next request.
      ss = WriteSlice(t, view, begin, n, state.buffer(), MemoryLocation{});
      if (ss.ok()) ss = state.Commit();
    }
    if (!ss.ok()) p.error = ss.WithContext(TensorContext(spec_.model_name, "state output", t.name));
  }
  return Status::Ok();
}

}  // namespace ortbackend
