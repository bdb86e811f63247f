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
};

struct ModelIoInfo {
  std::vector<ModelTensorInfo> inputs;
  std::vector<ModelTensorInfo> outputs;

  const ModelTensorInfo* FindInput(const std::string& name) const;
  const ModelTensorInfo* FindOutput(const std::string& name) const;
};

}  // namespace ortbackend
