#include "execute/request_batch.h"

#include <cstring>

#include "common/data_type.h"
#include "tensor/cuda_graph_rules.h"
#include "tensor/request_checks.h"
#include "triton/error.h"
#include "triton/log.h"

namespace ortbackend {

namespace {

// "'a', 'b'": the names users may give, for error messages.
std::string QuotedNames(const std::vector<TensorSpec>& specs) {
  std::string names;
  for (const auto& t : specs) names += (names.empty() ? "'" : ", '") + t.name + "'";
  return names;
}

}  // namespace

void RequestBatch::Begin(TRITONBACKEND_Request** requests, uint32_t count) {
  const size_t n_in = spec_.inputs.size(), n_out = spec_.outputs.size();
  requests_.clear();
  requests_.resize(count);
  inputs_.assign(static_cast<size_t>(count) * n_in, RequestInputView());
  wants_.assign(static_cast<size_t>(count) * n_out, 0);
  chunks_.clear();
  locations_.clear();
  for (uint32_t r = 0; r < count; ++r) {
    PendingRequest& p = requests_[r];
    p.request = requests[r];
    Status s = FromTritonError(TRITONBACKEND_ResponseNew(&p.response, p.request), "creating a response");
    if (!s.ok()) {
      p.response = nullptr;
      p.error = s;
      continue;
    }
    p.error = Validate(r);
  }
  FormGroups();
}

int RequestBatch::FindInput(const char* name, uint32_t position) {
  if (position < input_at_position_.size()) {
    const int guess = input_at_position_[position];
    if (guess >= 0 && std::strcmp(spec_.inputs[guess].name.c_str(), name) == 0) return guess;
  } else if (position < spec_.inputs.size()) {
    input_at_position_.resize(spec_.inputs.size(), -1);  // once per instance
  }
  const int idx = spec_.FindInput(name);
  if (idx >= 0 && position < input_at_position_.size()) input_at_position_[position] = idx;
  return idx;
}

Status RequestBatch::Validate(size_t r) {
  PendingRequest& p = requests_[r];
  const size_t n_in = spec_.inputs.size();
  bool cancelled = false;
  if (TRITONBACKEND_RequestIsCancelled(p.request, &cancelled) == nullptr && cancelled)
    return Status::Cancelled("model '" + spec_.model_name + "': request was cancelled before it ran");

  uint32_t input_count = 0;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_RequestInputCount(p.request, &input_count), "reading request inputs"));
  int64_t batch = -1;
  for (uint32_t k = 0; k < input_count; ++k) {
    TRITONBACKEND_Input* handle = nullptr;
    ORTB_RETURN_IF_ERROR(
        FromTritonError(TRITONBACKEND_RequestInputByIndex(p.request, k, &handle), "reading a request input"));
    const char* name = nullptr;
    TRITONSERVER_DataType dtype;
    const int64_t* shape = nullptr;
    uint32_t rank = 0, buffers = 0;
    uint64_t bytes = 0;
    // Under the instance's host policy: a client or an ensemble may have
    // attached this input's data for that policy; the server falls back to
    // the default buffers when there are none for it.
    ORTB_RETURN_IF_ERROR(FromTritonError(TRITONBACKEND_InputPropertiesForHostPolicy(handle, host_policy_, &name, &dtype,
                                                                                    &shape, &rank, &bytes, &buffers),
                                         "reading a request input"));
    const int idx = FindInput(name, k);
    if (idx < 0) {
      return Status::InvalidArgument("model '" + spec_.model_name + "': unexpected input '" + name +
                                     "'; the model's inputs are " + QuotedNames(spec_.inputs));
    }
    RequestInputView& v = inputs_[r * n_in + idx];
    if (v.present)
      return Status::InvalidArgument("model '" + spec_.model_name + "': input '" + name + "' was given twice");
    const TensorSpec& t = spec_.inputs[idx];
    InputCheck check;
    ORTB_RETURN_IF_ERROR(CheckRequestInput(spec_, t, dtype, DimsView(shape, rank), bytes, &check));
    if (batch >= 0 && check.batch_size != batch)
      return Status::InvalidArgument("model '" + spec_.model_name + "', input '" + name + "': batch size " +
                                     std::to_string(check.batch_size) + " differs from the other inputs' " +
                                     std::to_string(batch));
    batch = check.batch_size;
    v.present = true;
    v.shape = shape;
    v.rank = rank;
    v.byte_size = bytes;
    v.elements = check.elements;
    v.first_chunk = static_cast<uint32_t>(chunks_.size());
    v.chunk_count = buffers;
    uint64_t total = 0;
    for (uint32_t b = 0; b < buffers; ++b) {
      const void* data = nullptr;
      uint64_t size = 0;
      TRITONSERVER_MemoryType mem = TRITONSERVER_MEMORY_CPU;
      int64_t mem_id = 0;
      ORTB_RETURN_IF_ERROR(
          FromTritonError(TRITONBACKEND_InputBufferForHostPolicy(handle, host_policy_, b, &data, &size, &mem, &mem_id),
                          "reading input data"));
      // CUDA shared memory arrives as GPU memory; pinned host memory is host memory.
      const MemoryLocation where{mem == TRITONSERVER_MEMORY_GPU, mem_id};
      ORTB_RETURN_IF_ERROR(CheckInputLocation(spec_.model_name, t, where, gpu_device_, kGpuBuild));
      chunks_.push_back(Chunk{static_cast<const char*>(data), size});
      locations_.push_back(where);
      total += size;
    }
    if (total != bytes)
      return Status::InvalidArgument("model '" + spec_.model_name + "', input '" + name + "': buffers hold " +
                                     std::to_string(total) + " bytes but the input declares " + std::to_string(bytes));
    if (t.is_bytes()) {
      ORTB_RETURN_IF_ERROR(ValidateBytesElements(chunks(v), v.chunk_count, v.elements, t.context));
    }
  }
  for (size_t i = 0; i < n_in; ++i) {
    const TensorSpec& t = spec_.inputs[i];
    if (inputs_[r * n_in + i].present) continue;
    if (!t.optional)
      return Status::InvalidArgument("model '" + spec_.model_name + "': missing input '" + t.name + "' (expected " +
                                     std::to_string(n_in) + " inputs, got " + std::to_string(input_count) + ")");
    // Refused here, for this request alone, rather than by ONNX Runtime's
    // run, which would fail every request of the group.
    if (!t.has_default)
      return Status::InvalidArgument("model '" + spec_.model_name + "': missing input '" + t.name +
                                     "': the config marks it optional, but the model has no stored value for it "
                                     "(it is a graph input, not an overridable initializer), so every request must "
                                     "send it");
  }
  p.batch_size = batch < 0 ? 1 : batch;
  p.in_sequence = spec_.has_states && HasCorrelationId(p.request);

  uint32_t output_count = 0;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_RequestOutputCount(p.request, &output_count), "reading requested outputs"));
  const size_t n_out = spec_.outputs.size();
  for (uint32_t k = 0; k < output_count; ++k) {
    const char* name = nullptr;
    ORTB_RETURN_IF_ERROR(
        FromTritonError(TRITONBACKEND_RequestOutputName(p.request, k, &name), "reading requested outputs"));
    const int idx = spec_.FindOutput(name);
    if (idx < 0) {
      return Status::InvalidArgument("model '" + spec_.model_name + "': unknown output '" + name +
                                     "' requested; the model's outputs are " + QuotedNames(spec_.outputs));
    }
    wants_[r * n_out + idx] = 1;
  }
  return Status::Ok();
}

bool RequestBatch::HasCorrelationId(TRITONBACKEND_Request* request) {
  uint64_t id = 0;
  TRITONSERVER_Error* err = TRITONBACKEND_RequestCorrelationId(request, &id);
  if (err == nullptr) return id != 0;
  // The numeric form fails when the id is a string.
  TRITONSERVER_ErrorDelete(err);
  const char* text = nullptr;
  err = TRITONBACKEND_RequestCorrelationIdString(request, &text);
  if (err == nullptr) return text != nullptr && text[0] != '\0';
  TRITONSERVER_ErrorDelete(err);
  return false;
}

bool RequestBatch::Compatible(size_t a, size_t b) const {
  const size_t n_in = spec_.inputs.size();
  for (size_t i = 0; i < n_in; ++i) {
    const RequestInputView& x = inputs_[a * n_in + i];
    const RequestInputView& y = inputs_[b * n_in + i];
    if (x.present != y.present) return false;
    if (!x.present) continue;
    if (x.rank != y.rank) return false;
    // Ragged inputs are concatenated, so their shapes may differ.
    if (spec_.inputs[i].ragged) continue;
    // The batch dim (0) may differ; every other dim must match to stack.
    if (x.rank > 1 && std::memcmp(x.shape + 1, y.shape + 1, (x.rank - 1) * sizeof(int64_t)) != 0) return false;
  }
  return true;
}

void RequestBatch::FormGroups() {
  order_.clear();
  group_starts_.clear();
  if (!spec_.batching()) {
    for (uint32_t r = 0; r < requests_.size(); ++r) {
      if (!requests_[r].error.ok()) continue;
      group_starts_.push_back(static_cast<uint32_t>(order_.size()));
      order_.push_back(r);
    }
    return;
  }
  // Triton's dynamic batcher only combines requests of equal shapes, so the
  // usual result is one group; a mismatch simply starts another. Requests are
  // placed after the last member of the first compatible group, keeping
  // arrival order within each group.
  for (uint32_t r = 0; r < requests_.size(); ++r) {
    if (!requests_[r].error.ok()) continue;
    size_t g = 0;
    for (; g < group_starts_.size(); ++g)
      if (Compatible(order_[group_starts_[g]], r)) break;
    if (g == group_starts_.size()) {
      group_starts_.push_back(static_cast<uint32_t>(order_.size()));
      order_.push_back(r);
    } else {
      const size_t end = g + 1 < group_starts_.size() ? group_starts_[g + 1] : order_.size();
      order_.insert(order_.begin() + end, r);
      for (size_t h = g + 1; h < group_starts_.size(); ++h) ++group_starts_[h];
    }
  }
}

RunPlan RequestBatch::Plan(size_t g, bool cuda_graphs) const {
  RunPlan plan;
  plan.group = g;
  plan.begin = group_begin(g);
  plan.end = group_end(g);
  for (const uint32_t* r = plan.begin; r != plan.end; ++r) plan.total_batch += requests_[*r].batch_size;
  if (cuda_graphs) {
    bool all_present = true;
    for (size_t i = 0; i < spec_.inputs.size(); ++i) all_present = all_present && input(plan.leader(), i).present;
    plan.graph_id = CudaGraphId(spec_, plan.total_batch, all_present);
  }
  return plan;
}

void RequestBatch::FailGroup(size_t g, const Status& status) {
  for (const uint32_t* it = group_begin(g); it != group_end(g); ++it) requests_[*it].error = status;
}

void RequestBatch::TakeRequests(std::vector<PendingRequest>* out) {
  out->clear();
  out->swap(requests_);
}

}  // namespace ortbackend
