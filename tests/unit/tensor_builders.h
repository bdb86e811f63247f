#pragma once
// Test builders for the two views of a tensor: as the ONNX model declares
// it, and as the model configuration lists it.

#include <string>
#include <utility>

#include "common/data_type.h"
#include "config/model_config.h"
#include "tensor/model_io_info.h"
#include "tensor/tensor_spec.h"

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

// One tensor as Execute's spec holds it (4-byte elements unless BYTES).
inline TensorSpec SpecTensor(const std::string& name, TRITONSERVER_DataType dtype, Shape dims) {
  TensorSpec t;
  t.name = name;
  t.dtype = dtype;
  t.element_size = dtype == TRITONSERVER_TYPE_BYTES ? 0 : 4;
  t.dims = std::move(dims);
  return t;
}

}  // namespace ortbackend::testing_builders
