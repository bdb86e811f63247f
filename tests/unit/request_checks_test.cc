#include "tensor/request_checks.h"

#include <cstdint>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/data_type.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;

// A configured input as Execute sees it (dims per batch item; -1 = any).
TensorSpec Input(const std::string& name, TRITONSERVER_DataType dtype, Shape dims) {
  TensorSpec t;
  t.name = name;
  t.dtype = dtype;
  t.ort_type = ToOrtType(dtype);
  t.element_size = ElementByteSize(dtype);
  t.dims = std::move(dims);
  return t;
}

// A non-batching model's rank-0 input, which clients send with the config's
// all-ones dims ([1] unless a test says otherwise).
TensorSpec ImplicitScalarInput(const std::string& name, TRITONSERVER_DataType dtype, Shape dims = {1}) {
  TensorSpec t = Input(name, dtype, std::move(dims));
  t.implicit_scalar = true;
  return t;
}

ExecutionSpec Model(const std::string& name, int64_t max_batch_size) {
  ExecutionSpec spec;
  spec.model_name = name;
  spec.max_batch_size = max_batch_size;
  return spec;
}

// =============================================================================
// CheckRequestInput
// =============================================================================

TEST(CheckRequestInput, AcceptsMatchingInputOfANonBatchingModel) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {2, 3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{2, 3}, 24, &check);

  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(check.batch_size, 1);
  EXPECT_EQ(check.elements, 6);
}

TEST(CheckRequestInput, AcceptsABatchedInputAndReportsItsBatchSize) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{4, 3}, 48, &check);

  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(check.batch_size, 4);
  EXPECT_EQ(check.elements, 12);
}

TEST(CheckRequestInput, AcceptsABatchOfExactlyMaxBatchSize) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_INT64, {1});
  InputCheck check;
  EXPECT_TRUE(CheckRequestInput(spec, x, TRITONSERVER_TYPE_INT64, Shape{8, 1}, 64, &check).ok());
}

TEST(CheckRequestInput, AcceptsAnySizeForAWildcardDim) {
  const ExecutionSpec spec = Model("m", 4);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_INT32, {-1, 2});
  InputCheck check;
  EXPECT_TRUE(CheckRequestInput(spec, x, TRITONSERVER_TYPE_INT32, Shape{1, 7, 2}, 56, &check).ok());
  EXPECT_TRUE(CheckRequestInput(spec, x, TRITONSERVER_TYPE_INT32, Shape{1, 1000, 2}, 8000, &check).ok());
}

TEST(CheckRequestInput, AcceptsZeroElementsWithZeroBytes) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1, 3});
  InputCheck check;
  ASSERT_TRUE(CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{0, 3}, 0, &check).ok());
  EXPECT_EQ(check.elements, 0);
}

TEST(CheckRequestInput, RejectsWrongDataTypeNamingBothTypes) {
  const ExecutionSpec spec = Model("resnet", 0);
  const TensorSpec x = Input("pixels", TRITONSERVER_TYPE_FP32, {3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_INT64, Shape{3}, 24, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("model 'resnet'"));
  EXPECT_THAT(s.message(), HasSubstr("input 'pixels'"));
  EXPECT_THAT(s.message(), HasSubstr("expected data type FP32"));
  EXPECT_THAT(s.message(), HasSubstr("got INT64"));
}

TEST(CheckRequestInput, RejectsInputWithWrongRank) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {2, 3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{6}, 24, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("expected shape [2,3]"));
  EXPECT_THAT(s.message(), HasSubstr("got [6]"));
}

TEST(CheckRequestInput, RejectsBatchedInputWithoutTheBatchDim) {
  const ExecutionSpec spec = Model("m", 4);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{3}, 12, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected shape [-1,3]"));
  EXPECT_THAT(s.message(), HasSubstr("got [3]"));
}

TEST(CheckRequestInput, RejectsInputWithWrongDim) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1, 3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{2, 4}, 32, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected shape [-1,3]"));
  EXPECT_THAT(s.message(), HasSubstr("got [2,4]"));
}

TEST(CheckRequestInput, RejectsNegativeDimEvenWhereTheConfigSaysAny) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{-1}, 0, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("got [-1]"));
}

TEST(CheckRequestInput, RejectsBatchSizeZero) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{0, 3}, 0, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("1 to 8"));
  EXPECT_THAT(s.message(), HasSubstr("got [0,3]"));
}

TEST(CheckRequestInput, RejectsNegativeBatchSize) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {3});
  InputCheck check;
  EXPECT_FALSE(CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{-2, 3}, 0, &check).ok());
}

TEST(CheckRequestInput, RejectsBatchSizeOverMaxBatchSize) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{9, 3}, 108, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("first dim is the batch size, 1 to 8"));
  EXPECT_THAT(s.message(), HasSubstr("got [9,3]"));
}

TEST(CheckRequestInput, RejectsByteSizeThatDoesNotMatchTheShape) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {2, 3});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{2, 3}, 20, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("[2,3]"));
  EXPECT_THAT(s.message(), HasSubstr("needs 24 bytes"));
  EXPECT_THAT(s.message(), HasSubstr("got 20"));
}

TEST(CheckRequestInput, RejectsExtraBytes) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_INT8, {4});
  InputCheck check;
  EXPECT_FALSE(CheckRequestInput(spec, x, TRITONSERVER_TYPE_INT8, Shape{4}, 5, &check).ok());
}

TEST(CheckRequestInput, RejectsShapeWhoseElementCountOverflows) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1, -1});
  InputCheck check;
  const int64_t huge = int64_t{1} << 62;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{huge, 4}, 16, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("[4611686018427387904,4]"));
}

TEST(CheckRequestInput, RejectsShapeWhoseByteSizeOverflows) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1, -1});
  InputCheck check;
  const int64_t big = int64_t{1} << 60;  // 2^62 elements fit in int64, 2^64 bytes do not

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{big, 4}, 0, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("overflows"));
}

TEST(CheckRequestInput, RejectsBatchedShapeWhoseElementCountOverflows) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1, -1});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{8, int64_t{1} << 62, 4}, 0, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
}

TEST(CheckRequestInput, BytesInputSkipsTheByteSizeCheck) {
  const ExecutionSpec spec = Model("m", 4);
  const TensorSpec text = Input("text", TRITONSERVER_TYPE_BYTES, {-1});
  InputCheck check;

  Status s = CheckRequestInput(spec, text, TRITONSERVER_TYPE_BYTES, Shape{2, 3}, 12345, &check);

  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(check.batch_size, 2);
  EXPECT_EQ(check.elements, 6);
}

TEST(CheckRequestInput, BytesInputStillChecksTheShape) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec text = Input("text", TRITONSERVER_TYPE_BYTES, {2});
  InputCheck check;
  EXPECT_FALSE(CheckRequestInput(spec, text, TRITONSERVER_TYPE_BYTES, Shape{3}, 100, &check).ok());
}

TEST(CheckRequestInput, ExpectedShapeOfANonBatchingModelHasNoBatchNote) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {2, -1});
  InputCheck check;

  Status s = CheckRequestInput(spec, x, TRITONSERVER_TYPE_FP32, Shape{3, 1}, 12, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected shape [2,-1], got [3,1]"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("batch size")));
}

TEST(CheckRequestInput, AcceptsAnImplicitScalarSentAsOneElement) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec scale = ImplicitScalarInput("scale", TRITONSERVER_TYPE_FP32);
  InputCheck check;

  Status s = CheckRequestInput(spec, scale, TRITONSERVER_TYPE_FP32, Shape{1}, 4, &check);

  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(check.elements, 1);
}

TEST(CheckRequestInput, RejectsAnImplicitScalarSentWithoutADim) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec scale = ImplicitScalarInput("scale", TRITONSERVER_TYPE_FP32);
  InputCheck check;

  Status s = CheckRequestInput(spec, scale, TRITONSERVER_TYPE_FP32, Shape{}, 4, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'scale'"));
  EXPECT_THAT(s.message(), HasSubstr("expected shape [1]"));
  EXPECT_THAT(s.message(), HasSubstr("got []"));
}

TEST(CheckRequestInput, RejectsAnImplicitScalarSentWithMoreThanOneElement) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec scale = ImplicitScalarInput("scale", TRITONSERVER_TYPE_FP32);
  InputCheck check;

  Status s = CheckRequestInput(spec, scale, TRITONSERVER_TYPE_FP32, Shape{2}, 8, &check);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected shape [1], got [2]"));
}

TEST(CheckRequestInput, AcceptsAnImplicitScalarInTheConfigsAllOnesShape) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec scale = ImplicitScalarInput("scale", TRITONSERVER_TYPE_FP32, {1, 1});
  InputCheck check;

  EXPECT_TRUE(CheckRequestInput(spec, scale, TRITONSERVER_TYPE_FP32, Shape{1, 1}, 4, &check).ok());
  Status s = CheckRequestInput(spec, scale, TRITONSERVER_TYPE_FP32, Shape{1}, 4, &check);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected shape [1,1], got [1]"));
}

TEST(CheckRequestInput, AcceptsABatchOfPerItemScalars) {
  // A batching model's [-1] tensor: config dims [1] with reshape [], so each
  // batch item is a scalar and Triton hands over shape [batch].
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec length = Input("length", TRITONSERVER_TYPE_INT64, {});
  InputCheck check;

  Status s = CheckRequestInput(spec, length, TRITONSERVER_TYPE_INT64, Shape{3}, 24, &check);

  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(check.batch_size, 3);
  EXPECT_EQ(check.elements, 3);
}

// =============================================================================
// ModelShapeFor
// =============================================================================

TEST(ModelShapeFor, NonBatchingModelGetsTheRequestShape) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1, 3});
  Shape out;
  ModelShapeFor(spec, x, Shape{5, 3}, 1, &out);
  EXPECT_EQ(out, (Shape{5, 3}));
}

TEST(ModelShapeFor, BatchingModelGetsTheGroupBatchInPlaceOfTheRequestBatch) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {-1});
  Shape out;
  ModelShapeFor(spec, x, Shape{2, 5}, 7, &out);
  EXPECT_EQ(out, (Shape{7, 5}));
}

TEST(ModelShapeFor, BatchOfPerItemScalarsKeepsOnlyTheBatchDim) {
  const ExecutionSpec spec = Model("m", 8);
  const TensorSpec length = Input("length", TRITONSERVER_TYPE_INT64, {});
  Shape out;
  ModelShapeFor(spec, length, Shape{2}, 6, &out);
  EXPECT_EQ(out, (Shape{6}));
}

TEST(ModelShapeFor, ImplicitScalarIsRankZeroForTheModel) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec scale = ImplicitScalarInput("scale", TRITONSERVER_TYPE_FP32);
  Shape out = {1};
  ModelShapeFor(spec, scale, Shape{1}, 1, &out);
  EXPECT_EQ(out, Shape{});
}

TEST(ModelShapeFor, ReplacesWhatTheOutputHeldBefore) {
  const ExecutionSpec spec = Model("m", 0);
  const TensorSpec x = Input("x", TRITONSERVER_TYPE_FP32, {3});
  Shape out = {9, 9, 9};
  ModelShapeFor(spec, x, Shape{3}, 1, &out);
  EXPECT_EQ(out, (Shape{3}));
}

}  // namespace
}  // namespace ortbackend
