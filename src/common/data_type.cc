#include "common/data_type.h"

#include <array>

namespace ortbackend {
namespace {

struct DataTypeRow {
  TRITONSERVER_DataType triton;
  const char* config;
  const char* name;
  size_t size;
  ONNXTensorElementDataType ort;
  const char* ort_name;
};

// One row per Triton type that ONNX Runtime can hold.
constexpr std::array<DataTypeRow, 14> kRows = {{
    {TRITONSERVER_TYPE_BOOL, "TYPE_BOOL", "BOOL", 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, "bool"},
    {TRITONSERVER_TYPE_UINT8, "TYPE_UINT8", "UINT8", 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, "uint8"},
    {TRITONSERVER_TYPE_UINT16, "TYPE_UINT16", "UINT16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, "uint16"},
    {TRITONSERVER_TYPE_UINT32, "TYPE_UINT32", "UINT32", 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, "uint32"},
    {TRITONSERVER_TYPE_UINT64, "TYPE_UINT64", "UINT64", 8, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, "uint64"},
    {TRITONSERVER_TYPE_INT8, "TYPE_INT8", "INT8", 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, "int8"},
    {TRITONSERVER_TYPE_INT16, "TYPE_INT16", "INT16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, "int16"},
    {TRITONSERVER_TYPE_INT32, "TYPE_INT32", "INT32", 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, "int32"},
    {TRITONSERVER_TYPE_INT64, "TYPE_INT64", "INT64", 8, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, "int64"},
    {TRITONSERVER_TYPE_FP16, "TYPE_FP16", "FP16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, "float16"},
    {TRITONSERVER_TYPE_FP32, "TYPE_FP32", "FP32", 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, "float"},
    {TRITONSERVER_TYPE_FP64, "TYPE_FP64", "FP64", 8, ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, "double"},
    {TRITONSERVER_TYPE_BYTES, "TYPE_STRING", "BYTES", 0, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, "string"},
    {TRITONSERVER_TYPE_BF16, "TYPE_BF16", "BF16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16, "bfloat16"},
}};

const DataTypeRow* FindTriton(TRITONSERVER_DataType t) {
  for (const auto& row : kRows)
    if (row.triton == t) return &row;
  return nullptr;
}

}  // namespace

std::optional<TRITONSERVER_DataType> DataTypeFromConfig(std::string_view s) {
  for (const auto& row : kRows)
    if (s == row.config) return row.triton;
  return std::nullopt;
}

const char* DataTypeToConfig(TRITONSERVER_DataType t) {
  const auto* row = FindTriton(t);
  return row ? row->config : "TYPE_INVALID";
}

const char* DataTypeName(TRITONSERVER_DataType t) {
  const auto* row = FindTriton(t);
  return row ? row->name : "INVALID";
}

size_t ElementByteSize(TRITONSERVER_DataType t) {
  const auto* row = FindTriton(t);
  return row ? row->size : 0;
}

ONNXTensorElementDataType ToOrtType(TRITONSERVER_DataType t) {
  const auto* row = FindTriton(t);
  return row ? row->ort : ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
}

TRITONSERVER_DataType FromOrtType(ONNXTensorElementDataType t) {
  for (const auto& row : kRows)
    if (row.ort == t) return row.triton;
  return TRITONSERVER_TYPE_INVALID;
}

std::string OrtTypeName(ONNXTensorElementDataType t) {
  for (const auto& row : kRows)
    if (row.ort == t) return std::string("tensor(") + row.ort_name + ")";
  return "tensor(element type " + std::to_string(static_cast<int>(t)) + ")";
}

}  // namespace ortbackend
