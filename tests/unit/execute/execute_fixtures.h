#pragma once
// Shared set-up of the execute tests: a model's spec, built the way the
// instance builds it (BuildExecutionSpec over a config and what the ONNX
// file declares), and the requests of one Execute call on the fake server.

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "common/data_type.h"
#include "config/model_config.h"
#include "fake_server/fake_server.h"
#include "tensor/model_io_info.h"
#include "tensor/tensor_spec.h"
#include "tensor_builders.h"

namespace ortbackend::execute_testing {

// A model named "m" whose ONNX file declares exactly what its config lists:
// each tensor's dims, with a leading dynamic batch dim when it batches. Such
// outputs have fixed dims, so a lone request's outputs are bound in advance.
class ModelBuilder {
 public:
  explicit ModelBuilder(int64_t max_batch_size) {
    config_.name = "m";
    config_.max_batch_size = max_batch_size;
  }
  // An optional input is an overridable initializer in the file (requests
  // may leave it out); see OptionalGraphInput for one that is not.
  ModelBuilder& Input(const std::string& name, TRITONSERVER_DataType dtype, Shape dims, bool optional = false) {
    TensorConfig c = testing_builders::Config(name, dtype, dims);
    c.optional = optional;
    config_.inputs.push_back(c);
    ModelTensorInfo t = testing_builders::Tensor(name, dtype, ModelShape(dims));
    t.initializer = optional;
    (optional ? io_.initializers : io_.inputs).push_back(t);
    return *this;
  }
  // Marked optional in the config, but a graph input proper in the file: the
  // model has no value to run with when a request leaves it out.
  ModelBuilder& OptionalGraphInput(const std::string& name, TRITONSERVER_DataType dtype, Shape dims) {
    TensorConfig c = testing_builders::Config(name, dtype, dims);
    c.optional = true;
    config_.inputs.push_back(c);
    io_.inputs.push_back(testing_builders::Tensor(name, dtype, ModelShape(dims)));
    return *this;
  }
  ModelBuilder& RaggedInput(const std::string& name, TRITONSERVER_DataType dtype) {
    TensorConfig c = testing_builders::Config(name, dtype, {-1});
    c.allow_ragged_batch = true;
    config_.inputs.push_back(c);
    io_.inputs.push_back(testing_builders::Tensor(name, dtype, {-1}));
    return *this;
  }
  // `model_declares_shape` false: the ONNX file leaves the dims unknown, so
  // the output is left for ORT to allocate and copied out after the run.
  ModelBuilder& Output(const std::string& name, TRITONSERVER_DataType dtype, Shape dims,
                       bool model_declares_shape = true) {
    config_.outputs.push_back(testing_builders::Config(name, dtype, dims));
    Shape shape = ModelShape(dims);
    if (!model_declares_shape)
      for (auto& d : shape) d = -1;
    io_.outputs.push_back(testing_builders::Tensor(name, dtype, shape));
    return *this;
  }
  ModelBuilder& BatchInput(BatchInputConfig::Kind kind, const std::string& target, const std::string& source) {
    BatchInputConfig b;
    b.kind = kind;
    b.target_names = {target};
    b.dtype = TRITONSERVER_TYPE_INT32;
    b.source_input = source;
    config_.batch_inputs.push_back(b);
    return *this;
  }
  // A sequence_batching state: the server feeds `input` from the sequence's
  // stored state, and the backend stores what the model writes to `output`.
  ModelBuilder& State(const std::string& input, const std::string& output, TRITONSERVER_DataType dtype, Shape dims) {
    SequenceStateConfig st;
    st.input = testing_builders::Config(input, dtype, dims);
    st.output = testing_builders::Config(output, dtype, dims);
    config_.has_sequence_batching = true;
    config_.states.push_back(st);
    io_.inputs.push_back(testing_builders::Tensor(input, dtype, ModelShape(dims)));
    io_.outputs.push_back(testing_builders::Tensor(output, dtype, ModelShape(dims)));
    return *this;
  }
  ExecutionSpec Build() const { return BuildExecutionSpec(config_, io_); }

 private:
  Shape ModelShape(const Shape& dims) const {
    Shape s;
    if (config_.max_batch_size > 0) s.push_back(-1);
    s.insert(s.end(), dims.begin(), dims.end());
    return s;
  }
  ModelConfig config_;
  ModelIoInfo io_;
};

// The requests of one Execute call. A deque: the backend holds their
// addresses (as handles) while the test adds more.
class Requests {
 public:
  fake_server::Request& Add() {
    all_.emplace_back();
    return all_.back();
  }
  fake_server::Request& operator[](size_t i) { return all_[i]; }
  size_t size() const { return all_.size(); }
  // The array Triton hands to TRITONBACKEND_ModelInstanceExecute.
  TRITONBACKEND_Request** handles() {
    handles_.clear();
    for (auto& r : all_) handles_.push_back(r.handle());
    return handles_.data();
  }
  uint32_t count() const { return static_cast<uint32_t>(all_.size()); }

 private:
  std::deque<fake_server::Request> all_;
  std::vector<TRITONBACKEND_Request*> handles_;
};

}  // namespace ortbackend::execute_testing
