#pragma once
// What the ONNX model itself declares about its inputs and outputs, as plain
// data (filled by ort/model_io.cc from a session; built by hand in tests).

#include <string>
#include <vector>

#include <onnxruntime_c_api.h>

#include "common/shape.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

struct ModelTensorInfo {
  std::string name;
  ONNXTensorElementDataType ort_type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  TRITONSERVER_DataType dtype = TRITONSERVER_TYPE_INVALID;  // INVALID: no Triton equivalent
  bool is_tensor = true;                                    // false for sequence/map values, which we cannot serve
  Shape shape;                                              // -1 for dynamic or symbolic dims
  // The symbolic name of each dim ("batch", "seq"), "" where the model names
  // none. Equal names on an input and an output let the backend know the
  // output's size before running.
  std::vector<std::string> dim_names;
  // An overridable initializer: an initializer the graph also lists as an
  // input (models exported with keep_initializers_as_inputs). ONNX Runtime
  // runs with its stored value when a run leaves it out.
  bool initializer = false;
};

struct ModelIoInfo {
  std::vector<ModelTensorInfo> inputs;  // the graph's inputs proper: every run needs them
  std::vector<ModelTensorInfo> outputs;
  // The overridable initializers (each with `initializer` set). A config may
  // list one as an input (usually `optional: true`); auto-complete does not,
  // and they play no part in deciding whether the model can batch.
  std::vector<ModelTensorInfo> initializers;

  // An input proper or, failing that, an overridable initializer.
  const ModelTensorInfo* FindInput(const std::string& name) const;
  const ModelTensorInfo* FindOutput(const std::string& name) const;
};

}  // namespace ortbackend
