#pragma once
// The dtype table: Triton's data types, their model-config spelling
// ("TYPE_FP32"), their ONNX Runtime element type and their size.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <onnxruntime_c_api.h>

#include "triton_api/tritonserver_api.h"

namespace ortbackend {

// "TYPE_FP32" -> TRITONSERVER_TYPE_FP32; nullopt for unknown spellings.
std::optional<TRITONSERVER_DataType> DataTypeFromConfig(std::string_view s);
// TRITONSERVER_TYPE_FP32 -> "TYPE_FP32" (TYPE_STRING for BYTES, as configs spell it).
const char* DataTypeToConfig(TRITONSERVER_DataType t);
// TRITONSERVER_TYPE_FP32 -> "FP32", the spelling of the inference protocol.
const char* DataTypeName(TRITONSERVER_DataType t);

// Bytes per element; 0 for BYTES (variable size) and INVALID.
size_t ElementByteSize(TRITONSERVER_DataType t);

// ORT element type for a Triton type; UNDEFINED when ORT has no equivalent.
ONNXTensorElementDataType ToOrtType(TRITONSERVER_DataType t);
// Triton type for an ORT element type; INVALID when Triton has no equivalent.
TRITONSERVER_DataType FromOrtType(ONNXTensorElementDataType t);
// "tensor(float)"-style name of an ORT element type, for messages.
std::string OrtTypeName(ONNXTensorElementDataType t);

}  // namespace ortbackend
