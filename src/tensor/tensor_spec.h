#pragma once
// What Execute needs to know about each configured tensor, resolved once at
// load so the hot path only compares numbers.

#include <cstddef>
#include <string>
#include <vector>

#include <onnxruntime_c_api.h>

#include "common/shape.h"
#include "common/status.h"
#include "config/model_config.h"
#include "tensor/model_io_info.h"

namespace ortbackend {

// Where one output dim comes from, when it is known before running.
struct DimSource {
  enum Kind { kFixed, kBatch, kInputDim } kind = kFixed;
  int64_t value = 0;  // kFixed
  int input = -1;     // kInputDim: index into ExecutionSpec::inputs
  int dim = -1;       // kInputDim: dim of that input's request shape
};

struct TensorSpec {
  std::string name;
  TRITONSERVER_DataType dtype = TRITONSERVER_TYPE_INVALID;
  ONNXTensorElementDataType ort_type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  size_t element_size = 0;  // 0 for BYTES
  // Per batch item, as the model sees it; -1 = any. Triton applies a config
  // `reshape` before inputs reach the backend and after outputs leave it, so
  // these are the reshaped dims. An implicit scalar keeps the config's
  // all-ones dims, which requests and responses use.
  Shape dims;
  // A non-batching model's rank-0 tensor, sent by clients as the config's
  // all-ones shape ([1], [1, 1], ...).
  bool implicit_scalar = false;
  bool optional = false;
  // Inputs only: an overridable initializer, which ONNX Runtime fills with its
  // stored value when a run leaves it out. An optional input without one (a
  // graph input proper) cannot be left out: every run needs it.
  bool has_default = false;
  // Inputs only: a ragged input of a batching model. Its requests may differ
  // in shape; the model gets every element of the group as one 1-D tensor.
  bool ragged = false;
  // Outputs only: written back as a sequence's implicit state after each run.
  bool feeds_state = false;
  // Outputs only: false for a state output the config does not list under
  // `output`, which clients cannot ask for.
  bool requestable = true;
  // Outputs only: how to compute the whole output's shape from the request
  // before running (fixed dims, the batch size, or an input dim with the same
  // symbolic name); empty when some dim cannot be known in advance.
  std::vector<DimSource> shape_recipe;
  // Outputs only: a batch_output target. The model's output is split into one
  // slice per request, shaped like `scatter_shape` ([-1] for the batch dim,
  // then the config dims) with each -1 taken from the same dim of the
  // request's input `scatter_source` (an index into ExecutionSpec::inputs).
  int scatter_source = -1;
  Shape scatter_shape;
  // Batch outputs: the model's declared shape of the output (-1 for a
  // dynamic dim), to bind a lone request's slice (see BoundScatterShape);
  // empty when the model does not declare it.
  Shape scatter_model_shape;
  // "model 'm', input 'x'" (or output): the prefix of this tensor's error
  // messages, built once so decoding BYTES needs no string per request.
  std::string context;
  bool is_bytes() const { return dtype == TRITONSERVER_TYPE_BYTES; }
};

// A batch_input: a tensor computed from the group's requests (see
// batch_input_values.h) and fed to a model input that clients do not send.
struct BatchInputSpec {
  BatchInputConfig::Kind kind = BatchInputConfig::Kind::kElementCount;
  std::string target;  // the model input
  TRITONSERVER_DataType dtype = TRITONSERVER_TYPE_INVALID;
  ONNXTensorElementDataType ort_type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  size_t element_size = 0;
  int source = -1;      // index into ExecutionSpec::inputs
  std::string context;  // "model 'm', batch_input 'x'"
};

struct ExecutionSpec {
  ExecutionSpec() = default;
  // output_names points into `outputs`: moving keeps it valid, copying would not.
  ExecutionSpec(ExecutionSpec&&) = default;
  ExecutionSpec& operator=(ExecutionSpec&&) = default;
  ExecutionSpec(const ExecutionSpec&) = delete;
  ExecutionSpec& operator=(const ExecutionSpec&) = delete;

  std::string model_name;
  int64_t max_batch_size = 0;
  bool has_states = false;  // some output feeds a sequence's implicit state
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  // One entry per target name of each batch_input, fed after `inputs`.
  std::vector<BatchInputSpec> batch_inputs;
  // Names in ORT's calling convention, pointing into the specs above.
  std::vector<const char*> output_names;

  bool batching() const { return max_batch_size > 0; }
  // Index of a configured input / requestable output by name, or -1.
  int FindInput(const char* name) const;
  int FindOutput(const char* name) const;
};

// True for a non-batching model's rank-0 tensor that the config gives with
// dims that are all 1 ([1], [1, 1], ...) and no reshape: the backend feeds
// and reads it as a scalar, and clients use the config's shape.
bool ImplicitScalar(const TensorConfig& c, const ModelTensorInfo& t, bool batching);

// Builds the spec from a validated config. Where the config says -1 but the
// model fixes a dim, the model's dim is used, so requests are checked against
// the stricter of the two.
ExecutionSpec BuildExecutionSpec(const ModelConfig& config, const ModelIoInfo& io);

// The shape handed to ORT for a request shape, with the batch dim replaced by
// `batch` (the group's total) when the model batches.
void ModelShapeFor(const ExecutionSpec& spec, const TensorSpec& t, DimsView request_shape, int64_t batch, Shape* out);

// "model 'm', input 'x'": how every message about one tensor begins. `kind`
// is "input", "output", "state output" or "batch_input".
std::string TensorContext(const std::string& model, const char* kind, const std::string& tensor);

}  // namespace ortbackend
