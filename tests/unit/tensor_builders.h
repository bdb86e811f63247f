#pragma once
// Test builders for the two views of a tensor: as the ONNX model declares
// it, and as the model configuration lists it.

#include <string>
#include <utility>

#include "common/data_type.h"
#include "config/model_config.h"
#include "tensor/model_io_info.h"

namespace ortbackend::testing_builders {

// One tensor as the ONNX model declares it (-1: dynamic dim).
inline ModelTensorInfo Tensor(const std::string& name, TRITONSERVER_DataType dtype, Shape shape) {
  ModelTensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.ort_type = ToOrtType(dtype);
  t.shape = std::move(shape);
  return t;
}

// One tensor as the model configuration lists it.
inline TensorConfig Config(const std::string& name, TRITONSERVER_DataType dtype, Shape dims) {
  TensorConfig c;
  c.name = name;
  c.dtype = dtype;
  c.dims = std::move(dims);
  return c;
}

}  // namespace ortbackend::testing_builders
