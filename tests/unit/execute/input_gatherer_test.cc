#include "execute/input_gatherer.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/execute_fixtures.h"
#include "execute/request_batch.h"

namespace ortbackend {
namespace {

using execute_testing::ModelBuilder;
using execute_testing::Requests;
using fake_server::Bytes;
using ::testing::ElementsAre;

std::vector<float> FloatsOf(const Ort::Value& v) {
  const size_t n = v.GetTensorTypeAndShapeInfo().GetElementCount();
  const float* p = v.GetTensorData<float>();
  return std::vector<float>(p, p + n);
}

std::vector<int64_t> ShapeOf(const Ort::Value& v) { return v.GetTensorTypeAndShapeInfo().GetShape(); }

// Begin, then Gather of group 0, as the instance's Execute and RunGroup do.
class InputGathererTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_server::Reset(); }
  void TearDown() override { EXPECT_EQ(fake_server::LiveErrors(), 0); }

  Status GatherFirstGroup(const ExecutionSpec& spec, Requests& reqs, RequestBatch* batch, InputGatherer* gatherer) {
    batch->Begin(reqs.handles(), reqs.count());
    for (size_t r = 0; r < batch->size(); ++r)
      EXPECT_TRUE(batch->request(r).error.ok()) << batch->request(r).error.message();
    EXPECT_GE(batch->group_count(), 1u);
    return gatherer->Gather(*batch, batch->Plan(0, /*cuda_graphs=*/false));
  }
};

TEST_F(InputGathererTest, ReadsALoneRequestsBufferInPlace) {
  ExecutionSpec spec = ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {2}).Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {2, 2}, Bytes<float>({1, 2, 3, 4}));
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  ASSERT_EQ(gatherer.count(), 1u);
  EXPECT_STREQ(gatherer.names()[0], "x");
  EXPECT_EQ(ShapeOf(gatherer.values()[0]), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(gatherer.values()[0].GetTensorRawData(), reqs[0].inputs[0].buffers[0].bytes.data());
  EXPECT_EQ(gatherer.bytes_copied(), 0u);
  EXPECT_EQ(gatherer.device_inputs_in_place(), 0u);
}

TEST_F(InputGathererTest, StacksSeveralRequestsInArrivalOrderWithOneCopy) {
  ExecutionSpec spec = ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {2}).Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {2, 2}, Bytes<float>({3, 4, 5, 6}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({7, 8}));
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  ASSERT_EQ(gatherer.count(), 1u);
  EXPECT_EQ(ShapeOf(gatherer.values()[0]), (std::vector<int64_t>{4, 2}));
  EXPECT_THAT(FloatsOf(gatherer.values()[0]), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  EXPECT_EQ(gatherer.bytes_copied(), 8u * sizeof(float));
}

TEST_F(InputGathererTest, JoinsAnInputSplitOverSeveralBuffers) {
  ExecutionSpec spec = ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {3}).Build();
  Requests reqs;
  fake_server::Input& x = reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 3}, Bytes<float>({1}));
  x.buffers.push_back(fake_server::Buffer{Bytes<float>({2, 3})});
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  EXPECT_THAT(FloatsOf(gatherer.values()[0]), ElementsAre(1, 2, 3));
  EXPECT_EQ(gatherer.bytes_copied(), 3u * sizeof(float));
}

TEST_F(InputGathererTest, CountsCopiesAcrossCalls) {
  ExecutionSpec spec = ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {1}).Build();
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);
  for (int call = 0; call < 2; ++call) {
    Requests reqs;
    reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({1}));
    reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({2}));
    ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());
    gatherer.Clear();
  }
  EXPECT_EQ(gatherer.bytes_copied(), 4u * sizeof(float));
  EXPECT_EQ(gatherer.count(), 0u);
}

TEST_F(InputGathererTest, LeavesOutAnOptionalInputNobodySent) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {1})
                           .Input("mask", TRITONSERVER_TYPE_FP32, {1}, /*optional=*/true)
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({5}));
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  ASSERT_EQ(gatherer.count(), 1u);
  EXPECT_STREQ(gatherer.names()[0], "a");
}

TEST_F(InputGathererTest, DecodesBytesInputsIntoOneStringTensor) {
  ExecutionSpec spec = ModelBuilder(8).Input("s", TRITONSERVER_TYPE_BYTES, {-1}).Build();
  Requests reqs;
  reqs.Add().AddInput("s", TRITONSERVER_TYPE_BYTES, {1, 2}, fake_server::StringBytes({"ab", ""}));
  std::vector<char> split = fake_server::StringBytes({"xyz", "w"});
  fake_server::Input& s = reqs.Add().AddInput("s", TRITONSERVER_TYPE_BYTES, {1, 2}, {split.begin(), split.begin() + 5});
  // The second buffer starts inside an element: decoding walks across buffers.
  s.buffers.push_back(fake_server::Buffer{std::vector<char>(split.begin() + 5, split.end())});
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  ASSERT_EQ(gatherer.count(), 1u);
  const Ort::Value& v = gatherer.values()[0];
  EXPECT_EQ(ShapeOf(v), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(v.GetStringTensorElement(0), "ab");
  EXPECT_EQ(v.GetStringTensorElement(1), "");
  EXPECT_EQ(v.GetStringTensorElement(2), "xyz");
  EXPECT_EQ(v.GetStringTensorElement(3), "w");
  // Decoded into ORT's own storage, which is not a copy the counter tracks.
  EXPECT_EQ(gatherer.bytes_copied(), 0u);
}

TEST_F(InputGathererTest, ConcatenatesRaggedInputsIntoOneDimension) {
  ExecutionSpec spec = ModelBuilder(8).RaggedInput("x", TRITONSERVER_TYPE_FP32).Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 3}, Bytes<float>({3, 4, 5}));
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  EXPECT_EQ(ShapeOf(gatherer.values()[0]), (std::vector<int64_t>{5}));
  EXPECT_THAT(FloatsOf(gatherer.values()[0]), ElementsAre(1, 2, 3, 4, 5));
}

TEST_F(InputGathererTest, ComputesABatchInputFromTheGroupsRequests) {
  ExecutionSpec spec = ModelBuilder(8)
                           .RaggedInput("x", TRITONSERVER_TYPE_FP32)
                           .BatchInput(BatchInputConfig::Kind::kElementCount, "lengths", "x")
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 3}, Bytes<float>({3, 4, 5}));
  RequestBatch batch(spec);
  InputGatherer gatherer(spec);

  ASSERT_TRUE(GatherFirstGroup(spec, reqs, &batch, &gatherer).ok());

  ASSERT_EQ(gatherer.count(), 2u);
  EXPECT_STREQ(gatherer.names()[1], "lengths");
  const Ort::Value& lengths = gatherer.values()[1];
  ASSERT_EQ(lengths.GetTensorTypeAndShapeInfo().GetElementCount(), 2u);
  EXPECT_EQ(lengths.GetTensorData<int32_t>()[0], 2);
  EXPECT_EQ(lengths.GetTensorData<int32_t>()[1], 3);
  // Computed, not copied from a request.
  EXPECT_EQ(gatherer.bytes_copied(), 5u * sizeof(float));
}

}  // namespace
}  // namespace ortbackend
