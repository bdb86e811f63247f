// Batch-input values and batch-output slice shapes, as Triton's ragged
// batching documentation defines them, for groups of 1, 2 and 4 requests.

#include "tensor/batch_input_values.h"

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/data_type.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using Kind = BatchInputConfig::Kind;

BatchInputSpec Spec(Kind kind, TRITONSERVER_DataType dtype = TRITONSERVER_TYPE_INT64) {
  BatchInputSpec b;
  b.kind = kind;
  b.target = "T";
  b.dtype = dtype;
  b.ort_type = ToOrtType(dtype);
  b.element_size = ElementByteSize(dtype);
  b.source = 0;
  b.context = "model 'm', batch_input 'T'";
  return b;
}

// Runs ComputeBatchInput over request shapes and returns the values as int64.
std::vector<int64_t> Compute(const BatchInputSpec& b, const std::vector<Shape>& requests, Shape* shape) {
  std::vector<DimsView> views(requests.begin(), requests.end());
  std::vector<char> data;
  Status s = ComputeBatchInput(b, views, shape, &data);
  EXPECT_TRUE(s.ok()) << s.message();
  int64_t n = 0;
  EXPECT_TRUE(CheckedElementCount(*shape, &n));
  EXPECT_GE(data.size(), static_cast<size_t>(n) * b.element_size);
  std::vector<int64_t> values;
  for (int64_t k = 0; k < n; ++k) {
    const char* p = data.data() + k * b.element_size;
    if (b.dtype == TRITONSERVER_TYPE_FP32) {
      float f;
      std::memcpy(&f, p, 4);
      values.push_back(static_cast<int64_t>(f));
    } else if (b.dtype == TRITONSERVER_TYPE_INT32) {
      int32_t v;
      std::memcpy(&v, p, 4);
      values.push_back(v);
    } else {
      int64_t v;
      std::memcpy(&v, p, 8);
      values.push_back(v);
    }
  }
  return values;
}

// The ragged-batching documentation's example: three requests of 3, 4 and 5
// elements (shapes [1,3], [1,4], [1,5]); here also with 1, 2 and 4 requests.
const std::vector<Shape> kOne = {{1, 3}};
const std::vector<Shape> kTwo = {{1, 3}, {1, 4}};
const std::vector<Shape> kFour = {{1, 3}, {1, 4}, {1, 5}, {1, 1}};

TEST(ComputeBatchInput, ElementCountIsEachRequestsCount) {
  Shape shape;
  EXPECT_EQ(Compute(Spec(Kind::kElementCount), kOne, &shape), (std::vector<int64_t>{3}));
  EXPECT_EQ(shape, Shape{1});
  EXPECT_EQ(Compute(Spec(Kind::kElementCount, TRITONSERVER_TYPE_FP32), kFour, &shape),
            (std::vector<int64_t>{3, 4, 5, 1}));
  EXPECT_EQ(shape, Shape{4});
}

TEST(ComputeBatchInput, AccumulatedElementCountIsTheRunningSum) {
  Shape shape;
  EXPECT_EQ(Compute(Spec(Kind::kAccumulatedElementCount, TRITONSERVER_TYPE_INT32), kTwo, &shape),
            (std::vector<int64_t>{3, 7}));
  EXPECT_EQ(shape, Shape{2});
  EXPECT_EQ(Compute(Spec(Kind::kAccumulatedElementCount), kFour, &shape), (std::vector<int64_t>{3, 7, 12, 13}));
  EXPECT_EQ(shape, Shape{4});
}

TEST(ComputeBatchInput, AccumulatedElementCountWithZeroStartsAtZero) {
  Shape shape;
  EXPECT_EQ(Compute(Spec(Kind::kAccumulatedElementCountWithZero, TRITONSERVER_TYPE_FP32), kOne, &shape),
            (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(shape, Shape{2});
  EXPECT_EQ(Compute(Spec(Kind::kAccumulatedElementCountWithZero), kFour, &shape),
            (std::vector<int64_t>{0, 3, 7, 12, 13}));
  EXPECT_EQ(shape, Shape{5});
}

TEST(ComputeBatchInput, MaxElementCountAsShapeCarriesTheValueInTheShape) {
  Shape shape;
  Compute(Spec(Kind::kMaxElementCountAsShape), kFour, &shape);
  EXPECT_EQ(shape, Shape{5});
  Compute(Spec(Kind::kMaxElementCountAsShape, TRITONSERVER_TYPE_INT32), kOne, &shape);
  EXPECT_EQ(shape, Shape{3});
}

TEST(ComputeBatchInput, ItemShapeIsOneRowPerBatchItem) {
  // A request of batch 2 contributes two rows.
  const std::vector<Shape> requests = {{1, 2, 3}, {2, 4, 5}};
  Shape shape;
  EXPECT_EQ(Compute(Spec(Kind::kItemShape, TRITONSERVER_TYPE_FP32), requests, &shape),
            (std::vector<int64_t>{2, 3, 4, 5, 4, 5}));
  EXPECT_EQ(shape, (Shape{3, 2}));
  EXPECT_EQ(Compute(Spec(Kind::kItemShape), kTwo, &shape), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(shape, (Shape{2, 1}));
}

TEST(ComputeBatchInput, ItemShapeFlattenHasTheSameValuesInOneDim) {
  const std::vector<Shape> requests = {{1, 2, 3}, {2, 4, 5}};
  Shape shape;
  EXPECT_EQ(Compute(Spec(Kind::kItemShapeFlatten, TRITONSERVER_TYPE_INT32), requests, &shape),
            (std::vector<int64_t>{2, 3, 4, 5, 4, 5}));
  EXPECT_EQ(shape, Shape{6});
}

TEST(ComputeBatchInput, ZeroElementRequestsCountAsZero) {
  Shape shape;
  EXPECT_EQ(Compute(Spec(Kind::kAccumulatedElementCount), {{1, 0}, {1, 2}}, &shape), (std::vector<int64_t>{0, 2}));
  std::vector<char> data;
  const Shape zero = {1, 0};
  ASSERT_TRUE(ComputeBatchInput(Spec(Kind::kMaxElementCountAsShape), {DimsView(zero)}, &shape, &data).ok());
  EXPECT_EQ(shape, Shape{0});
  EXPECT_FALSE(data.empty()) << "ORT needs a valid address even for zero bytes";
}

TEST(ComputeBatchInput, RejectsCountsThatOverflow) {
  const Shape huge = {1, int64_t{1} << 62};
  std::vector<char> data;
  Shape shape;
  Status s = ComputeBatchInput(Spec(Kind::kAccumulatedElementCount), {DimsView(huge), DimsView(huge)}, &shape, &data);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("model 'm', batch_input 'T'"));
}

TEST(ComputeBatchInput, RefusesItemShapesOfARankZeroSource) {
  const Shape scalar = {};
  std::vector<char> data;
  Shape shape;
  Status s = ComputeBatchInput(Spec(Kind::kItemShape), {DimsView(scalar)}, &shape, &data);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("no batch dim"));
}

TensorSpec ScatteredOutput(Shape scatter_shape) {
  TensorSpec t;
  t.name = "OUTPUT";
  t.context = "model 'm', output 'OUTPUT'";
  t.scatter_source = 0;
  t.scatter_shape = std::move(scatter_shape);
  return t;
}

TEST(ScatterShape, TakesEachWildcardFromTheSourceInput) {
  Shape out;
  ASSERT_TRUE(ScatterShape(ScatteredOutput({-1, -1}), "INPUT", Shape{1, 5}, &out).ok());
  EXPECT_EQ(out, (Shape{1, 5}));
  ASSERT_TRUE(ScatterShape(ScatteredOutput({-1, 2, -1}), "INPUT", Shape{1, 7, 3}, &out).ok());
  EXPECT_EQ(out, (Shape{1, 2, 3}));
}

TEST(ScatterShape, RefusesAWildcardBeyondTheSourcesRank) {
  Shape out;
  Status s = ScatterShape(ScatteredOutput({-1, -1, -1}), "INPUT", Shape{1, 5}, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(),
              HasSubstr("output 'OUTPUT': its dim 2 follows input 'INPUT', whose shape [1,5] has no dim 2"));
}

TEST(BoundScatterShape, FlattensTheResponseForAOneDimensionalModelOutput) {
  Shape out;
  ASSERT_TRUE(BoundScatterShape(Shape{-1}, Shape{1, 2, 3}, &out));
  EXPECT_EQ(out, (Shape{6}));
}

TEST(BoundScatterShape, KeepsTheResponseShapeForAModelOutputOfTheSameRank) {
  Shape out;
  ASSERT_TRUE(BoundScatterShape(Shape{-1, 3}, Shape{1, 3}, &out));
  EXPECT_EQ(out, (Shape{1, 3}));
}

TEST(BoundScatterShape, RefusesAShapeTheModelFixesOtherwise) {
  Shape out;
  EXPECT_FALSE(BoundScatterShape(Shape{-1, 4}, Shape{1, 3}, &out));      // a fixed dim differs
  EXPECT_FALSE(BoundScatterShape(Shape{5}, Shape{1, 3}, &out));          // a fixed length differs
  EXPECT_FALSE(BoundScatterShape(Shape{-1, -1}, Shape{1, 2, 3}, &out));  // neither flat nor the same rank
  EXPECT_FALSE(BoundScatterShape(Shape{}, Shape{1, 3}, &out));           // not declared
}

}  // namespace
}  // namespace ortbackend
