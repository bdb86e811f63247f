#include "execute/request_batch.h"

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/execute_fixtures.h"

namespace ortbackend {
namespace {

using execute_testing::ModelBuilder;
using execute_testing::Requests;
using fake_server::Bytes;
using ::testing::AllOf;
using ::testing::HasSubstr;

class RequestBatchTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_server::Reset(); }
  void TearDown() override { EXPECT_EQ(fake_server::LiveErrors(), 0); }

  // x: FP32 [-1, 4] (batch up to 8); output y: FP32 [-1, 4].
  static ExecutionSpec BatchingSpec() {
    return ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {4}).Output("y", TRITONSERVER_TYPE_FP32, {4}).Build();
  }
  static void AddX(fake_server::Request& r, int64_t batch, std::vector<char> bytes = {}) {
    if (bytes.empty()) bytes.assign(static_cast<size_t>(batch) * 4 * sizeof(float), 0);
    r.AddInput("x", TRITONSERVER_TYPE_FP32, {batch, 4}, std::move(bytes));
  }
};

TEST_F(RequestBatchTest, AcceptsAWellFormedRequest) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 2);
  reqs[0].requested_outputs = {"y"};
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch.request(0).error.ok()) << batch.request(0).error.message();
  EXPECT_EQ(batch.request(0).batch_size, 2);
  EXPECT_NE(batch.request(0).response, nullptr);
  EXPECT_EQ(reqs[0].responses.size(), 1u);
  EXPECT_TRUE(batch.wants_output(0, 0));
  const RequestInputView& v = batch.input(0, 0);
  EXPECT_TRUE(v.present);
  EXPECT_EQ(v.rank, 2u);
  EXPECT_EQ(v.byte_size, 32u);
  EXPECT_EQ(v.elements, 8);
  ASSERT_EQ(v.chunk_count, 1u);
  EXPECT_EQ(batch.chunks(v)[0].data, reqs[0].inputs[0].buffers[0].bytes.data());  // Triton's buffer, not a copy
}

TEST_F(RequestBatchTest, RejectsWrongDatatypeForThatRequestOnly) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_INT32, {1, 4}, Bytes<int32_t>({1, 2, 3, 4}));
  AddX(reqs.Add(), 1);
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_TRUE(batch.request(0).error.ok());
  EXPECT_EQ(batch.request(1).error.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(batch.request(1).error.message(), AllOf(HasSubstr("model 'm'"), HasSubstr("input 'x'"),
                                                      HasSubstr("expected data type FP32"), HasSubstr("got INT32")));
  EXPECT_TRUE(batch.request(2).error.ok());
  // The failed request keeps its response, for the error to travel in.
  EXPECT_NE(batch.request(1).response, nullptr);
  ASSERT_EQ(batch.group_count(), 1u);
  EXPECT_EQ(std::vector<uint32_t>(batch.group_begin(0), batch.group_end(0)), (std::vector<uint32_t>{0, 2}));
}

TEST_F(RequestBatchTest, RejectsWrongRank) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {4}, Bytes<float>({1, 2, 3, 4}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("model 'm', input 'x'"), HasSubstr("expected shape [-1,4]"), HasSubstr("got [4]")));
  EXPECT_EQ(batch.group_count(), 0u);
}

TEST_F(RequestBatchTest, RejectsWrongDim) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 3}, Bytes<float>({1, 2, 3}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("input 'x'"), HasSubstr("expected shape [-1,4]"), HasSubstr("got [1,3]")));
}

TEST_F(RequestBatchTest, RejectsBatchLargerThanMaxBatchSize) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 9);
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("input 'x'"), HasSubstr("1 to 8"), HasSubstr("got [9,4]")));
}

TEST_F(RequestBatchTest, RejectsMissingInput) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {2})
                           .Input("b", TRITONSERVER_TYPE_FP32, {2})
                           .Output("y", TRITONSERVER_TYPE_FP32, {2})
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("model 'm'"), HasSubstr("missing input 'b'"), HasSubstr("expected 2 inputs, got 1")));
}

TEST_F(RequestBatchTest, AcceptsAnOptionalInputLeftOut) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {2})
                           .Input("mask", TRITONSERVER_TYPE_FP32, {2}, /*optional=*/true)
                           .Output("y", TRITONSERVER_TYPE_FP32, {2})
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_TRUE(batch.request(0).error.ok()) << batch.request(0).error.message();
  EXPECT_FALSE(batch.input(0, 1).present);
}

TEST_F(RequestBatchTest, RejectsALeftOutOptionalInputThatIsAGraphInputForThatRequestOnly) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {2})
                           .OptionalGraphInput("mask", TRITONSERVER_TYPE_FP32, {2})
                           .Output("y", TRITONSERVER_TYPE_FP32, {2})
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs[1].AddInput("mask", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 1}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("model 'm'"), HasSubstr("missing input 'mask'"), HasSubstr("not an overridable")));
  EXPECT_TRUE(batch.request(1).error.ok()) << batch.request(1).error.message();
  ASSERT_EQ(batch.group_count(), 1u);
  EXPECT_EQ(*batch.group_begin(0), 1u);
}

TEST_F(RequestBatchTest, ReadsInputsUnderTheInstancesHostPolicy) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  // The same input, with other data attached under the policy's name.
  reqs[0].inputs[0].host_policy_buffers["numa0"] = {fake_server::Buffer{Bytes<float>({9, 8, 7, 6})}};
  AddX(reqs.Add(), 1);
  RequestBatch batch(spec);
  batch.set_host_policy("numa0");

  batch.Begin(reqs.handles(), reqs.count());

  ASSERT_TRUE(batch.request(0).error.ok()) << batch.request(0).error.message();
  const RequestInputView& v = batch.input(0, 0);
  ASSERT_EQ(v.chunk_count, 1u);
  float first = 0;
  std::memcpy(&first, batch.chunks(v)[0].data, sizeof(float));
  EXPECT_EQ(first, 9.0f) << "the policy's data, not the default";
  EXPECT_EQ(reqs[0].inputs[0].last_host_policy, "numa0");
  // Without data of its own for the policy, a request falls back to its default data.
  EXPECT_TRUE(batch.request(1).error.ok());
  EXPECT_EQ(reqs[1].inputs[0].last_host_policy, "numa0");
}

TEST_F(RequestBatchTest, RefusesHostPolicyDataOfTheWrongSizeForThatRequestOnly) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  reqs[0].inputs[0].host_policy_buffers["numa0"] = {fake_server::Buffer{Bytes<float>({9, 8})}};
  AddX(reqs.Add(), 1);
  RequestBatch batch(spec);
  batch.set_host_policy("numa0");

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(), AllOf(HasSubstr("model 'm'"), HasSubstr("'x'")));
  EXPECT_TRUE(batch.request(1).error.ok());
}

TEST_F(RequestBatchTest, RejectsUnknownInputNamingTheModelsInputs) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  reqs[0].AddInput("z", TRITONSERVER_TYPE_FP32, {1, 4}, Bytes<float>({1, 2, 3, 4}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("model 'm'"), HasSubstr("unexpected input 'z'"), HasSubstr("inputs are 'x'")));
}

TEST_F(RequestBatchTest, MatchesInputsByNameWhateverOrderEachRequestSendsThem) {
  // The batch remembers which spec input it found at each position; a
  // request with another order must still get each input right.
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {1})
                           .Input("b", TRITONSERVER_TYPE_INT32, {2})
                           .Output("y", TRITONSERVER_TYPE_FP32, {1})
                           .Build();
  RequestBatch batch(spec);
  for (bool b_first : {false, true, true, false}) {
    Requests reqs;
    fake_server::Request& r = reqs.Add();
    auto add_a = [&] { r.AddInput("a", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({1})); };
    auto add_b = [&] { r.AddInput("b", TRITONSERVER_TYPE_INT32, {1, 2}, Bytes<int32_t>({2, 3})); };
    if (b_first) {
      add_b();
      add_a();
    } else {
      add_a();
      add_b();
    }

    batch.Begin(reqs.handles(), reqs.count());

    ASSERT_TRUE(batch.request(0).error.ok()) << batch.request(0).error.message();
    EXPECT_EQ(batch.input(0, 0).byte_size, 4u) << "b_first=" << b_first;  // a: one float
    EXPECT_EQ(batch.input(0, 1).byte_size, 8u) << "b_first=" << b_first;  // b: two int32
  }
}

TEST_F(RequestBatchTest, RejectsInputGivenTwice) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  AddX(reqs[0], 1);
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(), HasSubstr("input 'x' was given twice"));
}

TEST_F(RequestBatchTest, RejectsUnknownRequestedOutput) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  reqs[0].requested_outputs = {"nope"};
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("model 'm'"), HasSubstr("unknown output 'nope'"), HasSubstr("outputs are 'y'")));
}

TEST_F(RequestBatchTest, RejectsInputsWithDifferentBatchSizes) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {1})
                           .Input("b", TRITONSERVER_TYPE_FP32, {1})
                           .Output("y", TRITONSERVER_TYPE_FP32, {1})
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {2, 1}, Bytes<float>({1, 2}));
  reqs[0].AddInput("b", TRITONSERVER_TYPE_FP32, {3, 1}, Bytes<float>({1, 2, 3}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("input 'b'"), HasSubstr("batch size 3 differs from the other inputs' 2")));
}

TEST_F(RequestBatchTest, RejectsBuffersThatDoNotHoldTheDeclaredBytes) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1, Bytes<float>({1, 2, 3}));  // 12 bytes
  reqs[0].inputs[0].declared_byte_size = 16;
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("input 'x'"), HasSubstr("buffers hold 12 bytes but the input declares 16")));
}

TEST_F(RequestBatchTest, RejectsMalformedBytesInput) {
  ExecutionSpec spec =
      ModelBuilder(0).Input("s", TRITONSERVER_TYPE_BYTES, {2}).Output("y", TRITONSERVER_TYPE_FP32, {2}).Build();
  Requests reqs;
  std::vector<char> wire = fake_server::StringBytes({"ab", "cd"});
  wire.pop_back();  // the last element is one byte short
  reqs.Add().AddInput("s", TRITONSERVER_TYPE_BYTES, {2}, wire);
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_EQ(batch.request(0).error.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(batch.request(0).error.message(), HasSubstr("model 'm', input 's'"));
}

TEST_F(RequestBatchTest, RefusesGpuInputOnACpuInstance) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  reqs[0].inputs[0].buffers[0].memory_type = TRITONSERVER_MEMORY_GPU;
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_EQ(batch.request(0).error.code(), StatusCode::kUnsupported);
  EXPECT_THAT(batch.request(0).error.message(), AllOf(HasSubstr("input 'x'"), HasSubstr("CPU memory")));
}

TEST_F(RequestBatchTest, FailsACancelledRequest) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  reqs[0].cancelled = true;
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_EQ(batch.request(0).error.code(), StatusCode::kCancelled);
  EXPECT_THAT(batch.request(0).error.message(), HasSubstr("model 'm'"));
  EXPECT_EQ(batch.group_count(), 0u);
}

TEST_F(RequestBatchTest, AResponseThatCannotBeCreatedFailsThatRequestWithoutOne) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  AddX(reqs.Add(), 1);
  reqs[0].fail_response_new = true;
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_EQ(batch.request(0).response, nullptr);
  EXPECT_THAT(batch.request(0).error.message(), HasSubstr("creating a response: out of responses"));
  EXPECT_TRUE(batch.request(1).error.ok());
  ASSERT_EQ(batch.group_count(), 1u);
  EXPECT_EQ(*batch.group_begin(0), 1u);
}

TEST_F(RequestBatchTest, RecordsEveryBufferOfAMultiBufferInput) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  fake_server::Input& x = reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 4}, Bytes<float>({1, 2}));
  x.buffers.push_back(fake_server::Buffer{Bytes<float>({3, 4})});
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  ASSERT_TRUE(batch.request(0).error.ok()) << batch.request(0).error.message();
  const RequestInputView& v = batch.input(0, 0);
  ASSERT_EQ(v.chunk_count, 2u);
  EXPECT_EQ(batch.chunks(v)[0].size, 8u);
  EXPECT_EQ(batch.chunks(v)[1].size, 8u);
  EXPECT_FALSE(batch.locations(v)[1].gpu);
}

TEST_F(RequestBatchTest, GroupsRequestsOfEqualShapesAndKeepsArrivalOrder) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  AddX(reqs.Add(), 3);
  AddX(reqs.Add(), 2);
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  ASSERT_EQ(batch.group_count(), 1u);
  EXPECT_EQ(std::vector<uint32_t>(batch.group_begin(0), batch.group_end(0)), (std::vector<uint32_t>{0, 1, 2}));
}

TEST_F(RequestBatchTest, StartsANewGroupForARequestOfOtherNonBatchDims) {
  ExecutionSpec spec =
      ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {-1}).Output("y", TRITONSERVER_TYPE_FP32, {-1}).Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 3}, Bytes<float>({1, 2, 3}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {2, 2}, Bytes<float>({1, 2, 3, 4}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  ASSERT_EQ(batch.group_count(), 2u);
  EXPECT_EQ(std::vector<uint32_t>(batch.group_begin(0), batch.group_end(0)), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(std::vector<uint32_t>(batch.group_begin(1), batch.group_end(1)), (std::vector<uint32_t>{1}));
}

TEST_F(RequestBatchTest, KeepsRequestsWithAndWithoutAnOptionalInputApart) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("a", TRITONSERVER_TYPE_FP32, {1})
                           .Input("mask", TRITONSERVER_TYPE_FP32, {1}, /*optional=*/true)
                           .Output("y", TRITONSERVER_TYPE_FP32, {1})
                           .Build();
  Requests reqs;
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({1}));
  reqs.Add().AddInput("a", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({1}));
  reqs[1].AddInput("mask", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({1}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_EQ(batch.group_count(), 2u);
}

TEST_F(RequestBatchTest, GroupsRaggedInputsOfDifferentShapes) {
  ExecutionSpec spec = ModelBuilder(8).RaggedInput("x", TRITONSERVER_TYPE_FP32).Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 3}, Bytes<float>({1, 2, 3}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  EXPECT_EQ(batch.group_count(), 1u);
}

TEST_F(RequestBatchTest, GivesEachRequestOfANonBatchingModelItsOwnGroup) {
  ExecutionSpec spec =
      ModelBuilder(0).Input("x", TRITONSERVER_TYPE_FP32, {2}).Output("y", TRITONSERVER_TYPE_FP32, {2}).Build();
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {2}, Bytes<float>({1, 2}));
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {2}, Bytes<float>({3, 4}));
  RequestBatch batch(spec);

  batch.Begin(reqs.handles(), reqs.count());

  ASSERT_EQ(batch.group_count(), 2u);
  EXPECT_EQ(*batch.group_begin(0), 0u);
  EXPECT_EQ(*batch.group_begin(1), 1u);
  EXPECT_EQ(batch.Plan(1, false).total_batch, 1);
}

TEST_F(RequestBatchTest, PlanSumsTheGroupsBatchSizesAndNamesItsLeader) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 9);  // invalid: left out of every group
  AddX(reqs.Add(), 3);
  AddX(reqs.Add(), 2);
  RequestBatch batch(spec);
  batch.Begin(reqs.handles(), reqs.count());

  const RunPlan plan = batch.Plan(0, /*cuda_graphs=*/false);

  EXPECT_EQ(plan.group, 0u);
  EXPECT_EQ(plan.requests(), 2u);
  EXPECT_EQ(plan.leader(), 1u);
  EXPECT_EQ(plan.begin, batch.group_begin(0));
  EXPECT_EQ(plan.end, batch.group_end(0));
  EXPECT_EQ(plan.total_batch, 5);
  EXPECT_EQ(plan.graph_id, -1);
}

TEST_F(RequestBatchTest, FailGroupFailsEveryRequestOfTheGroup) {
  ExecutionSpec spec = BatchingSpec();
  Requests reqs;
  AddX(reqs.Add(), 1);
  AddX(reqs.Add(), 1);
  RequestBatch batch(spec);
  batch.Begin(reqs.handles(), reqs.count());

  batch.FailGroup(0, Status::Internal("the run failed"));

  EXPECT_EQ(batch.request(0).error.message(), "the run failed");
  EXPECT_EQ(batch.request(1).error.message(), "the run failed");
}

TEST_F(RequestBatchTest, BeginForgetsThePreviousCall) {
  ExecutionSpec spec = BatchingSpec();
  RequestBatch batch(spec);
  Requests first;
  AddX(first.Add(), 9);
  AddX(first.Add(), 1);
  batch.Begin(first.handles(), first.count());
  Requests second;
  AddX(second.Add(), 1);

  batch.Begin(second.handles(), second.count());

  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch.request(0).error.ok());
  EXPECT_EQ(batch.request(0).request, second[0].handle());
  EXPECT_EQ(batch.group_count(), 1u);
}

}  // namespace
}  // namespace ortbackend
