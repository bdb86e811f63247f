#include "execute/output_scatterer.h"

#include <cstring>
#include <map>
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
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What ORT would produce for each output name: the shape and its values.
struct Produced {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

// Stands in for Session::Run: fills each output the scatterer asked for.
// A bound output is written where the scatterer pointed ORT (the response's
// buffer); an unbound one is allocated, as ORT allocates it.
void FakeRun(OutputScatterer& scatterer, const std::map<std::string, Produced>& produced) {
  Ort::AllocatorWithDefaultOptions allocator;
  for (size_t k = 0; k < scatterer.count(); ++k) {
    const Produced& p = produced.at(scatterer.names()[k]);
    Ort::Value& v = scatterer.values()[k];
    if (v == nullptr) v = Ort::Value::CreateTensor<float>(allocator, p.shape.data(), p.shape.size());
    ASSERT_EQ(v.GetTensorTypeAndShapeInfo().GetElementCount(), p.values.size());
    std::copy(p.values.begin(), p.values.end(), v.GetTensorMutableData<float>());
  }
}

class OutputScattererTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_server::Reset(); }
  void TearDown() override { EXPECT_EQ(fake_server::LiveErrors(), 0); }

  // x: FP32 [-1, 2] (batch up to 8); outputs y and z: FP32 [-1, 2].
  static ExecutionSpec TwoOutputSpec() {
    return ModelBuilder(8)
        .Input("x", TRITONSERVER_TYPE_FP32, {2})
        .Output("y", TRITONSERVER_TYPE_FP32, {2})
        .Output("z", TRITONSERVER_TYPE_FP32, {2})
        .Build();
  }
  static fake_server::Request& AddRequest(Requests& reqs, int64_t batch, std::vector<std::string> outputs) {
    fake_server::Request& r = reqs.Add();
    r.AddInput("x", TRITONSERVER_TYPE_FP32, {batch, 2}, std::vector<char>(batch * 2 * sizeof(float)));
    r.requested_outputs = std::move(outputs);
    return r;
  }
  RunPlan Begin(RequestBatch& batch, Requests& reqs) {
    batch.Begin(reqs.handles(), reqs.count());
    EXPECT_EQ(batch.group_count(), 1u);
    return batch.Plan(0, /*cuda_graphs=*/false);
  }
};

TEST_F(OutputScattererTest, BindsALoneRequestsOutputToItsResponseBuffer) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 2, {"y"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());

  ASSERT_EQ(scatterer.count(), 1u);
  EXPECT_STREQ(scatterer.names()[0], "y");
  const fake_server::Output* y = reqs[0].response().FindOutput("y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->shape, (std::vector<int64_t>{2, 2}));
  ASSERT_TRUE(scatterer.values()[0] != nullptr);
  EXPECT_EQ(scatterer.values()[0].GetTensorRawData(), y->data.data());

  FakeRun(scatterer, {{"y", {{2, 2}, {1, 2, 3, 4}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  EXPECT_THAT(y->As<float>(), ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(scatterer.bytes_copied(), 0u);
  EXPECT_TRUE(batch.request(0).error.ok());
}

TEST_F(OutputScattererTest, SplitsABatchedOutputIntoEachRequestsResponse) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  AddRequest(reqs, 2, {"y"});
  AddRequest(reqs, 1, {"y"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  ASSERT_EQ(scatterer.count(), 1u);
  EXPECT_TRUE(scatterer.values()[0] == nullptr);  // a shared tensor: ORT allocates it
  FakeRun(scatterer, {{"y", {{4, 2}, {0, 1, 2, 3, 4, 5, 6, 7}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  const fake_server::Output* y0 = reqs[0].response().FindOutput("y");
  const fake_server::Output* y1 = reqs[1].response().FindOutput("y");
  const fake_server::Output* y2 = reqs[2].response().FindOutput("y");
  ASSERT_TRUE(y0 && y1 && y2);
  EXPECT_EQ(y0->shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(y1->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(y2->shape, (std::vector<int64_t>{1, 2}));
  EXPECT_THAT(y0->As<float>(), ElementsAre(0, 1));
  EXPECT_THAT(y1->As<float>(), ElementsAre(2, 3, 4, 5));
  EXPECT_THAT(y2->As<float>(), ElementsAre(6, 7));
  EXPECT_EQ(scatterer.bytes_copied(), 8u * sizeof(float));
}

TEST_F(OutputScattererTest, CreatesOnlyTheOutputsEachRequestAskedFor) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  AddRequest(reqs, 1, {"z"});
  AddRequest(reqs, 1, {});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  ASSERT_EQ(scatterer.count(), 2u);
  FakeRun(scatterer, {{"y", {{3, 2}, {1, 2, 3, 4, 5, 6}}}, {"z", {{3, 2}, {-1, -2, -3, -4, -5, -6}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  ASSERT_EQ(reqs[0].response().outputs.size(), 1u);
  EXPECT_THAT(reqs[0].response().FindOutput("y")->As<float>(), ElementsAre(1, 2));
  ASSERT_EQ(reqs[1].response().outputs.size(), 1u);
  EXPECT_THAT(reqs[1].response().FindOutput("z")->As<float>(), ElementsAre(-3, -4));
  EXPECT_TRUE(reqs[2].response().outputs.empty());
}

TEST_F(OutputScattererTest, ComputesOnlyTheFirstOutputWhenNobodyAsks) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  ASSERT_EQ(scatterer.count(), 1u);
  EXPECT_STREQ(scatterer.names()[0], "y");
  FakeRun(scatterer, {{"y", {{1, 2}, {1, 2}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  EXPECT_TRUE(reqs[0].response().outputs.empty());
}

TEST_F(OutputScattererTest, AFailedResponseBufferFailsThatRequestOnly) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  AddRequest(reqs, 1, {"y"}).fail_output_buffer = {"y"};
  AddRequest(reqs, 1, {"y"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  FakeRun(scatterer, {{"y", {{3, 2}, {1, 2, 3, 4, 5, 6}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  EXPECT_TRUE(batch.request(0).error.ok());
  EXPECT_EQ(batch.request(1).error.code(), StatusCode::kUnavailable);
  EXPECT_THAT(batch.request(1).error.message(),
              AllOf(HasSubstr("model 'm', output 'y'"), HasSubstr("no memory for output 'y'")));
  EXPECT_TRUE(batch.request(2).error.ok());
  EXPECT_THAT(reqs[2].response().FindOutput("y")->As<float>(), ElementsAre(5, 6));
}

TEST_F(OutputScattererTest, AFailedBoundBufferFailsTheLoneRequestBeforeTheRun) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"}).fail_output_buffer = {"y"};
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());

  EXPECT_THAT(batch.request(0).error.message(),
              AllOf(HasSubstr("model 'm', output 'y'"), HasSubstr("no memory for output 'y'")));
}

TEST_F(OutputScattererTest, RefusesAResponseBufferInGpuMemoryOnACpuInstance) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  AddRequest(reqs, 1, {"y"}).output_memory_type = TRITONSERVER_MEMORY_GPU;
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  FakeRun(scatterer, {{"y", {{2, 2}, {1, 2, 3, 4}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  EXPECT_TRUE(batch.request(0).error.ok());
  EXPECT_EQ(batch.request(1).error.code(), StatusCode::kUnsupported);
  EXPECT_THAT(batch.request(1).error.message(), HasSubstr("output 'y'"));
}

TEST_F(OutputScattererTest, CopiesALoneRequestsOutputWhoseShapeIsKnownOnlyAfterTheRun) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("x", TRITONSERVER_TYPE_FP32, {2})
                           .Output("y", TRITONSERVER_TYPE_FP32, {-1}, /*model_declares_shape=*/false)
                           .Build();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  EXPECT_TRUE(scatterer.values()[0] == nullptr);
  EXPECT_TRUE(reqs[0].response().outputs.empty());  // created after the run, with the shape ORT gave
  FakeRun(scatterer, {{"y", {{1, 3}, {7, 8, 9}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  const fake_server::Output* y = reqs[0].response().FindOutput("y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->shape, (std::vector<int64_t>{1, 3}));
  EXPECT_THAT(y->As<float>(), ElementsAre(7, 8, 9));
  EXPECT_EQ(scatterer.bytes_copied(), 3u * sizeof(float));
}

TEST_F(OutputScattererTest, ReturnsAnErrorWhenTheModelsBatchDimIsNotTheGroupsBatch) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  AddRequest(reqs, 1, {"y"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  FakeRun(scatterer, {{"y", {{3, 2}, {1, 2, 3, 4, 5, 6}}}});
  Status s = scatterer.Scatter(batch, plan);

  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("model 'm', output 'y'"), HasSubstr("shape [3,2] for a batch of 2")));
}

TEST_F(OutputScattererTest, ReturnsAnErrorWhenTheModelProducesAnotherType) {
  ExecutionSpec spec = TwoOutputSpec();
  Requests reqs;
  AddRequest(reqs, 1, {"y"});
  AddRequest(reqs, 1, {"y"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);
  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  Ort::AllocatorWithDefaultOptions allocator;
  const int64_t shape[] = {2, 2};
  scatterer.values()[0] = Ort::Value::CreateTensor<int32_t>(allocator, shape, 2);

  Status s = scatterer.Scatter(batch, plan);

  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("output 'y'"), HasSubstr("the config says")));
}

TEST_F(OutputScattererTest, WritesBytesOutputsInTheWireFormat) {
  ExecutionSpec spec =
      ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {2}).Output("s", TRITONSERVER_TYPE_BYTES, {1}).Build();
  Requests reqs;
  AddRequest(reqs, 1, {"s"});
  AddRequest(reqs, 2, {"s"});
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  ASSERT_EQ(scatterer.count(), 1u);
  ASSERT_TRUE(scatterer.values()[0] == nullptr);  // ORT keeps strings in its own storage
  Ort::AllocatorWithDefaultOptions allocator;
  const int64_t shape[] = {3, 1};
  scatterer.values()[0] = Ort::Value::CreateTensor(allocator, shape, 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  const char* strings[] = {"a", "", "bcd"};
  scatterer.values()[0].FillStringTensor(strings, 3);
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  const fake_server::Output* s0 = reqs[0].response().FindOutput("s");
  const fake_server::Output* s1 = reqs[1].response().FindOutput("s");
  ASSERT_TRUE(s0 && s1);
  EXPECT_EQ(s0->shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(fake_server::DecodeStrings(s0->data), (std::vector<std::string>{"a"}));
  EXPECT_EQ(s1->shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(fake_server::DecodeStrings(s1->data), (std::vector<std::string>{"", "bcd"}));
}

TEST_F(OutputScattererTest, WritesEachSequenceRequestsSliceIntoItsState) {
  ExecutionSpec spec = ModelBuilder(8)
                           .Input("x", TRITONSERVER_TYPE_FP32, {2})
                           .State("state_in", "state_out", TRITONSERVER_TYPE_FP32, {2})
                           .Build();
  Requests reqs;
  for (uint64_t correlation_id : {7, 0}) {  // 0: warmup, outside any sequence
    fake_server::Request& r = AddRequest(reqs, 1, {});
    r.AddInput("state_in", TRITONSERVER_TYPE_FP32, {1, 2}, Bytes<float>({0, 0}));
    r.correlation_id = correlation_id;
  }
  RequestBatch batch(spec);
  OutputScatterer scatterer(spec);
  const RunPlan plan = Begin(batch, reqs);

  ASSERT_TRUE(scatterer.Prepare(batch, plan).ok());
  ASSERT_EQ(scatterer.count(), 1u);  // computed although no client may ask for it
  EXPECT_STREQ(scatterer.names()[0], "state_out");
  FakeRun(scatterer, {{"state_out", {{2, 2}, {1, 2, 3, 4}}}});
  ASSERT_TRUE(scatterer.Scatter(batch, plan).ok());

  ASSERT_EQ(reqs[0].states.size(), 1u);
  const fake_server::State& state = *reqs[0].states[0];
  EXPECT_EQ(state.name, "state_out");
  EXPECT_EQ(state.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(state.updated);
  ASSERT_EQ(state.data.size(), 2 * sizeof(float));
  std::vector<float> values(2);
  std::memcpy(values.data(), state.data.data(), sizeof(float) * 2);
  EXPECT_THAT(values, ElementsAre(1, 2));
  EXPECT_TRUE(reqs[1].states.empty());
  EXPECT_TRUE(reqs[0].response().outputs.empty());
}

}  // namespace
}  // namespace ortbackend
