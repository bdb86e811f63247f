#include "common/data_type.h"

#include <gtest/gtest.h>

namespace ortbackend {
namespace {

// Every Triton type that ONNX Runtime can hold, with what the table must say.
struct Row {
  TRITONSERVER_DataType triton;
  const char* config;
  const char* name;
  size_t size;
  ONNXTensorElementDataType ort;
  const char* ort_name;
};

const Row kExpected[] = {
    {TRITONSERVER_TYPE_BOOL, "TYPE_BOOL", "BOOL", 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, "tensor(bool)"},
    {TRITONSERVER_TYPE_UINT8, "TYPE_UINT8", "UINT8", 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, "tensor(uint8)"},
    {TRITONSERVER_TYPE_UINT16, "TYPE_UINT16", "UINT16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, "tensor(uint16)"},
    {TRITONSERVER_TYPE_UINT32, "TYPE_UINT32", "UINT32", 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, "tensor(uint32)"},
    {TRITONSERVER_TYPE_UINT64, "TYPE_UINT64", "UINT64", 8, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, "tensor(uint64)"},
    {TRITONSERVER_TYPE_INT8, "TYPE_INT8", "INT8", 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, "tensor(int8)"},
    {TRITONSERVER_TYPE_INT16, "TYPE_INT16", "INT16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, "tensor(int16)"},
    {TRITONSERVER_TYPE_INT32, "TYPE_INT32", "INT32", 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, "tensor(int32)"},
    {TRITONSERVER_TYPE_INT64, "TYPE_INT64", "INT64", 8, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, "tensor(int64)"},
    {TRITONSERVER_TYPE_FP16, "TYPE_FP16", "FP16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, "tensor(float16)"},
    {TRITONSERVER_TYPE_FP32, "TYPE_FP32", "FP32", 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, "tensor(float)"},
    {TRITONSERVER_TYPE_FP64, "TYPE_FP64", "FP64", 8, ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, "tensor(double)"},
    {TRITONSERVER_TYPE_BYTES, "TYPE_STRING", "BYTES", 0, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, "tensor(string)"},
    {TRITONSERVER_TYPE_BF16, "TYPE_BF16", "BF16", 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16, "tensor(bfloat16)"},
};

TEST(DataType, ConfigSpellingRoundTrips) {
  for (auto t : {TRITONSERVER_TYPE_BOOL, TRITONSERVER_TYPE_UINT8, TRITONSERVER_TYPE_INT64, TRITONSERVER_TYPE_FP16,
                 TRITONSERVER_TYPE_BF16, TRITONSERVER_TYPE_BYTES}) {
    auto back = DataTypeFromConfig(DataTypeToConfig(t));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, t);
  }
  EXPECT_FALSE(DataTypeFromConfig("TYPE_FLOAT").has_value());
}

TEST(DataType, EveryTypeHasItsConfigSpelling) {
  for (const auto& r : kExpected) {
    SCOPED_TRACE(r.config);
    EXPECT_STREQ(DataTypeToConfig(r.triton), r.config);
    auto parsed = DataTypeFromConfig(r.config);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, r.triton);
  }
}

TEST(DataType, EveryTypeHasItsProtocolName) {
  for (const auto& r : kExpected) {
    SCOPED_TRACE(r.config);
    EXPECT_STREQ(DataTypeName(r.triton), r.name);
  }
}

TEST(DataType, EveryTypeHasItsElementSize) {
  for (const auto& r : kExpected) {
    SCOPED_TRACE(r.config);
    EXPECT_EQ(ElementByteSize(r.triton), r.size);
  }
}

TEST(DataType, EveryTypeMapsToItsOrtTypeAndBack) {
  for (const auto& r : kExpected) {
    SCOPED_TRACE(r.config);
    EXPECT_EQ(ToOrtType(r.triton), r.ort);
    EXPECT_EQ(FromOrtType(r.ort), r.triton);
    EXPECT_EQ(OrtTypeName(r.ort), r.ort_name);
  }
}

TEST(DataType, BytesIsSpelledTypeStringInConfigs) {
  EXPECT_STREQ(DataTypeToConfig(TRITONSERVER_TYPE_BYTES), "TYPE_STRING");
  EXPECT_EQ(DataTypeFromConfig("TYPE_STRING"), TRITONSERVER_TYPE_BYTES);
  EXPECT_FALSE(DataTypeFromConfig("TYPE_BYTES").has_value());
}

TEST(DataType, ConfigSpellingIsCaseSensitive) {
  EXPECT_FALSE(DataTypeFromConfig("type_fp32").has_value());
  EXPECT_FALSE(DataTypeFromConfig("FP32").has_value());
  EXPECT_FALSE(DataTypeFromConfig("").has_value());
}

TEST(DataType, InvalidTypeHasPlaceholderSpellingsAndNoSize) {
  EXPECT_STREQ(DataTypeToConfig(TRITONSERVER_TYPE_INVALID), "TYPE_INVALID");
  EXPECT_STREQ(DataTypeName(TRITONSERVER_TYPE_INVALID), "INVALID");
  EXPECT_EQ(ElementByteSize(TRITONSERVER_TYPE_INVALID), 0u);
  EXPECT_EQ(ToOrtType(TRITONSERVER_TYPE_INVALID), ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED);
}

TEST(DataType, TypeInvalidIsNotAParseableSpelling) { EXPECT_FALSE(DataTypeFromConfig("TYPE_INVALID").has_value()); }

TEST(DataType, OrtTypesWithoutTritonEquivalentMapToInvalid) {
  EXPECT_EQ(FromOrtType(ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED), TRITONSERVER_TYPE_INVALID);
  EXPECT_EQ(FromOrtType(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64), TRITONSERVER_TYPE_INVALID);
  EXPECT_EQ(FromOrtType(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128), TRITONSERVER_TYPE_INVALID);
}

TEST(DataType, OrtTypeNameOfUnknownTypeShowsItsNumber) {
  EXPECT_EQ(OrtTypeName(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64),
            "tensor(element type " + std::to_string(static_cast<int>(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64)) + ")");
}

}  // namespace
}  // namespace ortbackend
