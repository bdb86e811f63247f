// Ragged batching at load: auto-complete leaves batch_input targets to the
// backend, validation checks ragged inputs, batch inputs and batch outputs
// against the model, and the ExecutionSpec links them for Execute.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "autocomplete/autocomplete.h"
#include "tensor/tensor_spec.h"
#include "tensor_builders.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using testing_builders::Config;
using testing_builders::Tensor;
using json = nlohmann::json;

// A model like the ragged-batching documentation's: a 1-D ragged input, the
// batch input INDEX (accumulated element counts), a 1-D output scattered back.
ModelIoInfo RaggedModel() {
  ModelIoInfo io;
  io.inputs = {Tensor("INPUT", TRITONSERVER_TYPE_FP32, {-1}), Tensor("INDEX", TRITONSERVER_TYPE_INT32, {-1})};
  io.outputs = {Tensor("OUTPUT", TRITONSERVER_TYPE_FP32, {-1}), Tensor("SUM", TRITONSERVER_TYPE_FP32, {-1})};
  return io;
}

ModelConfig RaggedConfig() {
  ModelConfig config;
  config.name = "ragged";
  config.max_batch_size = 8;
  TensorConfig in = Config("INPUT", TRITONSERVER_TYPE_FP32, {-1});
  in.allow_ragged_batch = true;
  config.inputs = {in};
  TensorConfig sum = Config("SUM", TRITONSERVER_TYPE_FP32, {1});
  sum.has_reshape = true;  // the model's [batch] as [batch, 1]
  config.outputs = {Config("OUTPUT", TRITONSERVER_TYPE_FP32, {-1}), sum};
  BatchInputConfig index;
  index.kind = BatchInputConfig::Kind::kAccumulatedElementCount;
  index.target_names = {"INDEX"};
  index.dtype = TRITONSERVER_TYPE_INT32;
  index.source_input = "INPUT";
  config.batch_inputs = {index};
  BatchOutputConfig scatter;
  scatter.target_names = {"OUTPUT"};
  scatter.source_input = "INPUT";
  config.batch_outputs = {scatter};
  return config;
}

TEST(ValidateConfigAgainstModel, AcceptsARaggedModel) {
  Status s = ValidateConfigAgainstModel(RaggedConfig(), RaggedModel());
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateConfigAgainstModel, RefusesARaggedInputWhoseModelShapeIsNotOneDynamicDim) {
  ModelIoInfo io = RaggedModel();
  io.inputs[0].shape = {-1, 4};
  ModelConfig config = RaggedConfig();
  config.inputs[0].dims = {4};

  Status s = ValidateConfigAgainstModel(config, io);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'INPUT' allows ragged batching, so the model must declare it with "
                                     "shape [-1]"));
  EXPECT_THAT(s.message(), HasSubstr("the model's shape is [-1,4]"));
}

TEST(ValidateConfigAgainstModel, RefusesABatchInputTargetTheModelLacks) {
  ModelIoInfo io = RaggedModel();
  io.inputs.pop_back();
  Status s = ValidateConfigAgainstModel(RaggedConfig(), io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("batch_input 'INDEX' is not an input of the model"));
}

TEST(ValidateConfigAgainstModel, RefusesABatchInputOfAnotherTypeThanTheModels) {
  ModelIoInfo io = RaggedModel();
  io.inputs[1] = Tensor("INDEX", TRITONSERVER_TYPE_INT64, {-1});
  Status s = ValidateConfigAgainstModel(RaggedConfig(), io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("batch_input 'INDEX' has data_type TYPE_INT32 in the config, but the model "
                                     "expects TYPE_INT64"));
}

TEST(ValidateConfigAgainstModel, StillRequiresEveryModelInputWithoutTheBatchInput) {
  ModelConfig config = RaggedConfig();
  config.batch_inputs.clear();
  Status s = ValidateConfigAgainstModel(config, RaggedModel());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("the model's input 'INDEX' is missing from the config"));
}

TEST(ValidateConfigAgainstModel, ChecksABatchOutputsTypeButNotItsShape) {
  ModelIoInfo io = RaggedModel();
  io.outputs[0] = Tensor("OUTPUT", TRITONSERVER_TYPE_FP32, {-1});  // 1-D; the config's [-1,-1] is per request
  EXPECT_TRUE(ValidateConfigAgainstModel(RaggedConfig(), io).ok());
  io.outputs[0] = Tensor("OUTPUT", TRITONSERVER_TYPE_INT32, {-1});
  Status s = ValidateConfigAgainstModel(RaggedConfig(), io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("output 'OUTPUT' has data_type TYPE_FP32"));
}

TEST(AutoCompleteConfig, DoesNotListBatchInputTargetsAsInputs) {
  json config = json::parse(R"({"max_batch_size": 8,
    "batch_input": [{"kind": "BATCH_ACCUMULATED_ELEMENT_COUNT", "target_name": ["INDEX"],
                     "data_type": "TYPE_INT32", "source_input": ["INPUT"]}]})");
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(RaggedModel(), 4, &config, &notes).ok());

  ASSERT_EQ(config["input"].size(), 1u);
  EXPECT_EQ(config["input"][0]["name"], "INPUT");
}

TEST(AutoCompleteConfig, ARaggedInputDoesNotSayTheModelCannotBatch) {
  // [-1] in the config is the model's full rank, which for any other input
  // would mean "this model does not batch".
  json config = json::parse(R"({"input": [{"name": "INPUT", "data_type": "TYPE_FP32", "dims": [-1],
                                           "allow_ragged_batch": true}]})");
  ModelIoInfo io;
  io.inputs = {Tensor("INPUT", TRITONSERVER_TYPE_FP32, {-1})};
  io.outputs = {Tensor("OUTPUT", TRITONSERVER_TYPE_FP32, {-1})};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 4);
}

TEST(BuildExecutionSpec, LinksRaggedInputsBatchInputsAndBatchOutputs) {
  const ExecutionSpec spec = BuildExecutionSpec(RaggedConfig(), RaggedModel());

  ASSERT_EQ(spec.inputs.size(), 1u);
  EXPECT_TRUE(spec.inputs[0].ragged);
  ASSERT_EQ(spec.batch_inputs.size(), 1u);
  EXPECT_EQ(spec.batch_inputs[0].target, "INDEX");
  EXPECT_EQ(spec.batch_inputs[0].source, 0);
  EXPECT_EQ(spec.batch_inputs[0].element_size, 4u);
  EXPECT_EQ(spec.batch_inputs[0].context, "model 'ragged', batch_input 'INDEX'");
  EXPECT_EQ(spec.outputs[0].scatter_source, 0);
  EXPECT_EQ(spec.outputs[0].scatter_shape, (Shape{-1, -1}));
  EXPECT_TRUE(spec.outputs[0].shape_recipe.empty()) << "a scattered output is never bound in advance";
  EXPECT_EQ(spec.outputs[1].scatter_source, -1);
}

TEST(BuildExecutionSpec, RaggedIsOffWithoutBatching) {
  ModelConfig config = RaggedConfig();
  config.max_batch_size = 0;
  config.batch_inputs.clear();
  config.batch_outputs.clear();
  const ExecutionSpec spec = BuildExecutionSpec(config, RaggedModel());
  EXPECT_FALSE(spec.inputs[0].ragged);
}

}  // namespace
}  // namespace ortbackend
