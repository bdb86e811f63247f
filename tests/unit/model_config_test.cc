#include "config/model_config.h"

#include <climits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// --- ParseTensorConfig -------------------------------------------------------

TEST(ParseTensorConfig, ReadsNameTypeAndDims) {
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {3, -1}}};
  TensorConfig t;
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_EQ(t.name, "x");
  EXPECT_EQ(t.dtype, TRITONSERVER_TYPE_FP32);
  EXPECT_EQ(t.dims, (Shape{3, -1}));
  EXPECT_FALSE(t.has_reshape);
  EXPECT_FALSE(t.optional);
  EXPECT_EQ(t.model_dims(), (Shape{3, -1}));
}

TEST(ParseTensorConfig, ReadsDimsGivenAsStrings) {
  // Triton serializes int64 fields of the config as JSON strings.
  const json j = {{"name", "x"}, {"data_type", "TYPE_INT64"}, {"dims", {"4", "-1"}}};
  TensorConfig t;
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_EQ(t.dims, (Shape{4, -1}));
}

TEST(ParseTensorConfig, MissingDimsGiveEmptyDims) {
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}};
  TensorConfig t;
  t.dims = {9};
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_TRUE(t.dims.empty());
}

TEST(ParseTensorConfig, ReadsReshape) {
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {6}}, {"reshape", {{"shape", {2, 3}}}}};
  TensorConfig t;
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_TRUE(t.has_reshape);
  EXPECT_EQ(t.reshape, (Shape{2, 3}));
  EXPECT_EQ(t.model_dims(), (Shape{2, 3}));
}

TEST(ParseTensorConfig, ReshapeWithoutShapeIsAnEmptyReshape) {
  // How Triton writes `reshape { shape: [] }` (a scalar on the model side).
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {1}}, {"reshape", json::object()}};
  TensorConfig t;
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_TRUE(t.has_reshape);
  EXPECT_TRUE(t.reshape.empty());
  EXPECT_TRUE(t.model_dims().empty());
}

TEST(ParseTensorConfig, ReadsOptional) {
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {1}}, {"optional", true}};
  TensorConfig t;
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_TRUE(t.optional);
}

TEST(ParseTensorConfig, ReadsTypeStringAsBytes) {
  const json j = {{"name", "text"}, {"data_type", "TYPE_STRING"}, {"dims", {-1}}};
  TensorConfig t;
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_EQ(t.dtype, TRITONSERVER_TYPE_BYTES);
}

TEST(ParseTensorConfig, ClearsReshapeLeftFromAnEarlierParse) {
  TensorConfig t;
  t.has_reshape = true;
  t.reshape = {2, 3};
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {6}}};
  ASSERT_TRUE(ParseTensorConfig(j, "input", &t).ok());
  EXPECT_FALSE(t.has_reshape);
  EXPECT_TRUE(t.reshape.empty());
}

TEST(ParseTensorConfig, RejectsNonObject) {
  TensorConfig t;
  Status s = ParseTensorConfig(json("x"), "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input"));
}

TEST(ParseTensorConfig, RejectsMissingName) {
  TensorConfig t;
  Status s = ParseTensorConfig(json{{"data_type", "TYPE_FP32"}, {"dims", {1}}}, "output", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("output"));
  EXPECT_THAT(s.message(), HasSubstr("name"));
}

TEST(ParseTensorConfig, RejectsUnknownDataTypeNamingTensorAndType) {
  TensorConfig t;
  Status s = ParseTensorConfig(json{{"name", "x"}, {"data_type", "TYPE_FLOAT"}, {"dims", {1}}}, "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_FLOAT"));
}

TEST(ParseTensorConfig, RejectsMissingDataType) {
  TensorConfig t;
  Status s = ParseTensorConfig(json{{"name", "x"}, {"dims", {1}}}, "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("data_type"));
}

TEST(ParseTensorConfig, RejectsDimsThatAreNotAList) {
  TensorConfig t;
  Status s = ParseTensorConfig(json{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", 3}}, "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("dims"));
}

TEST(ParseTensorConfig, RejectsNonIntegerDimNamingTensorAndValue) {
  TensorConfig t;
  Status s = ParseTensorConfig(json{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {"three"}}}, "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("three"));
}

TEST(ParseTensorConfig, RejectsDimBelowMinusOne) {
  TensorConfig t;
  Status s = ParseTensorConfig(json{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {2, -2}}}, "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("-2"));
}

TEST(ParseTensorConfig, RejectsBadReshapeDimNamingTheReshape) {
  TensorConfig t;
  Status s = ParseTensorConfig(
      json{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {6}}, {"reshape", {{"shape", {2, -5}}}}}, "input", &t);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("reshape"));
  EXPECT_THAT(s.message(), HasSubstr("-5"));
}

// A hand-written config may spell a bool as a string; that is a config error,
// not an exception escaping into the server.
TEST(ParseTensorConfig, RejectsNonBooleanOptionalWithoutThrowing) {
  TensorConfig t;
  const json j = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {1}}, {"optional", "true"}};
  Status s;
  ASSERT_NO_THROW(s = ParseTensorConfig(j, "input", &t));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("optional"));
}

// --- ParseModelConfig --------------------------------------------------------

TEST(ParseModelConfig, ReadsTopLevelFields) {
  const json j = {{"name", "resnet"},
                  {"platform", "onnxruntime_onnx"},
                  {"backend", "onnxruntime"},
                  {"default_model_filename", "model.onnx"},
                  {"max_batch_size", 8}};
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(j, &c).ok());
  EXPECT_EQ(c.name, "resnet");
  EXPECT_EQ(c.platform, "onnxruntime_onnx");
  EXPECT_EQ(c.backend, "onnxruntime");
  EXPECT_EQ(c.default_model_filename, "model.onnx");
  EXPECT_EQ(c.max_batch_size, 8);
  EXPECT_TRUE(c.batching());
}

TEST(ParseModelConfig, EmptyObjectGivesANonBatchingConfigWithoutTensors) {
  ModelConfig c;
  c.max_batch_size = 4;
  c.inputs.resize(2);
  ASSERT_TRUE(ParseModelConfig(json::object(), &c).ok());
  EXPECT_EQ(c.max_batch_size, 0);
  EXPECT_FALSE(c.batching());
  EXPECT_TRUE(c.inputs.empty());
  EXPECT_TRUE(c.outputs.empty());
  EXPECT_FALSE(c.has_dynamic_batching);
  EXPECT_FALSE(c.has_sequence_batching);
  EXPECT_TRUE(c.parameters.empty());
}

TEST(ParseModelConfig, ReadsMaxBatchSizeGivenAsString) {
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(json{{"max_batch_size", "16"}}, &c).ok());
  EXPECT_EQ(c.max_batch_size, 16);
}

TEST(ParseModelConfig, RejectsNegativeMaxBatchSize) {
  ModelConfig c;
  Status s = ParseModelConfig(json{{"max_batch_size", -1}}, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("max_batch_size"));
}

TEST(ParseModelConfig, RejectsNonIntegerMaxBatchSizeNamingTheValue) {
  ModelConfig c;
  Status s = ParseModelConfig(json{{"max_batch_size", "lots"}}, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("max_batch_size"));
  EXPECT_THAT(s.message(), HasSubstr("lots"));
}

TEST(ParseModelConfig, RejectsNonObject) {
  ModelConfig c;
  EXPECT_FALSE(ParseModelConfig(json::array(), &c).ok());
  EXPECT_FALSE(ParseModelConfig(json(), &c).ok());
}

TEST(ParseModelConfig, ReadsInputsAndOutputsInOrder) {
  const json j = {{"input",
                   {{{"name", "a"}, {"data_type", "TYPE_FP32"}, {"dims", {2}}},
                    {{"name", "b"}, {"data_type", "TYPE_INT32"}, {"dims", {3}}}}},
                  {"output", {{{"name", "y"}, {"data_type", "TYPE_FP32"}, {"dims", {2}}}}}};
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(j, &c).ok());
  ASSERT_EQ(c.inputs.size(), 2u);
  EXPECT_EQ(c.inputs[0].name, "a");
  EXPECT_EQ(c.inputs[1].name, "b");
  EXPECT_EQ(c.inputs[1].dtype, TRITONSERVER_TYPE_INT32);
  ASSERT_EQ(c.outputs.size(), 1u);
  EXPECT_EQ(c.outputs[0].name, "y");
}

TEST(ParseModelConfig, NullInputListMeansNoInputs) {
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(json{{"input", nullptr}}, &c).ok());
  EXPECT_TRUE(c.inputs.empty());
}

TEST(ParseModelConfig, RejectsInputThatIsNotAList) {
  ModelConfig c;
  Status s = ParseModelConfig(json{{"input", {{"name", "x"}}}}, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input"));
}

TEST(ParseModelConfig, PassesOnTensorErrorsNamingTheKind) {
  const json j = {{"output", {{{"name", "y"}, {"data_type", "TYPE_NOPE"}}}}};
  ModelConfig c;
  Status s = ParseModelConfig(j, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("output 'y'"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_NOPE"));
}

TEST(ParseModelConfig, NotesDynamicBatching) {
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(json{{"dynamic_batching", json::object()}}, &c).ok());
  EXPECT_TRUE(c.has_dynamic_batching);
  EXPECT_FALSE(c.has_sequence_batching);
}

TEST(ParseModelConfig, NotesSequenceBatching) {
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(json{{"sequence_batching", json::object()}}, &c).ok());
  EXPECT_TRUE(c.has_sequence_batching);
  EXPECT_FALSE(c.has_dynamic_batching);
}

TEST(ParseModelConfig, NullSchedulerMeansNoScheduler) {
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(json{{"dynamic_batching", nullptr}, {"sequence_batching", nullptr}}, &c).ok());
  EXPECT_FALSE(c.has_dynamic_batching);
  EXPECT_FALSE(c.has_sequence_batching);
}

TEST(ParseModelConfig, ReadsParametersGivenAsStringValue) {
  const json j = {{"parameters", {{"intra_op_thread_count", {{"string_value", "2"}}}}}};
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(j, &c).ok());
  ASSERT_EQ(c.parameters.count("intra_op_thread_count"), 1u);
  EXPECT_EQ(c.parameters.at("intra_op_thread_count"), "2");
}

TEST(ParseModelConfig, ReadsParametersGivenAsPlainStrings) {
  const json j = {{"parameters", {{"execution_mode", "1"}}}};
  ModelConfig c;
  ASSERT_TRUE(ParseModelConfig(j, &c).ok());
  EXPECT_EQ(c.parameters.at("execution_mode"), "1");
}

TEST(ParseModelConfig, RejectsParameterWithoutStringValueNamingTheKey) {
  const json j = {{"parameters", {{"execution_mode", {{"int_value", 1}}}}}};
  ModelConfig c;
  Status s = ParseModelConfig(j, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("execution_mode"));
  EXPECT_THAT(s.message(), HasSubstr("string_value"));
}

// --- CountCpuInstances -------------------------------------------------------

TEST(CountCpuInstances, IsOneWithoutInstanceGroups) {
  EXPECT_EQ(CountCpuInstances(json::object()), 1);
  EXPECT_EQ(CountCpuInstances(json{{"instance_group", json::array()}}), 1);
}

TEST(CountCpuInstances, SumsTheCountsOfCpuGroups) {
  const json j = {{"instance_group", {{{"kind", "KIND_CPU"}, {"count", 2}}, {{"kind", "KIND_CPU"}, {"count", 3}}}}};
  EXPECT_EQ(CountCpuInstances(j), 5);
}

TEST(CountCpuInstances, GroupWithoutCountCountsOnce) {
  const json j = {{"instance_group", {{{"kind", "KIND_CPU"}}, {{"kind", "KIND_CPU"}, {"count", 2}}}}};
  EXPECT_EQ(CountCpuInstances(j), 3);
}

TEST(CountCpuInstances, GroupWithoutKindCountsAsCpu) {
  const json j = {{"instance_group", {{{"count", 4}}}}};
  EXPECT_EQ(CountCpuInstances(j), 4);
}

TEST(CountCpuInstances, ReadsCountGivenAsString) {
  const json j = {{"instance_group", {{{"kind", "KIND_CPU"}, {"count", "6"}}}}};
  EXPECT_EQ(CountCpuInstances(j), 6);
}

TEST(CountCpuInstances, IgnoresGpuGroups) {
  const json j = {{"instance_group", {{{"kind", "KIND_GPU"}, {"count", 8}}, {{"kind", "KIND_CPU"}, {"count", 2}}}}};
  EXPECT_EQ(CountCpuInstances(j), 2);
}

TEST(CountCpuInstances, IsOneWhenOnlyGpuGroupsAreListed) {
  const json j = {{"instance_group", {{{"kind", "KIND_GPU"}, {"count", 8}}}}};
  EXPECT_EQ(CountCpuInstances(j), 1);
}

TEST(CountCpuInstances, UnreadableCountCountsOnce) {
  const json j = {{"instance_group", {{{"kind", "KIND_CPU"}, {"count", "many"}}}}};
  EXPECT_EQ(CountCpuInstances(j), 1);
}

TEST(CountCpuInstances, IsAtLeastOneWhenCountsAreZero) {
  const json j = {{"instance_group", {{{"kind", "KIND_CPU"}, {"count", 0}}}}};
  EXPECT_EQ(CountCpuInstances(j), 1);
}

TEST(CountCpuInstances, IgnoresEntriesThatAreNotObjects) {
  const json j = {{"instance_group", {"KIND_CPU", {{"kind", "KIND_CPU"}, {"count", 2}}}}};
  EXPECT_EQ(CountCpuInstances(j), 2);
}

// Triton's count is an int32, so two groups of INT_MAX are a legal config;
// their sum must not wrap around to a negative instance count.
TEST(CountCpuInstances, DoesNotWrapWhenCountsSumPastIntRange) {
  const json j = {
      {"instance_group", {{{"kind", "KIND_CPU"}, {"count", INT_MAX}}, {{"kind", "KIND_CPU"}, {"count", INT_MAX}}}}};
  EXPECT_GE(CountCpuInstances(j), 1);
}

}  // namespace
}  // namespace ortbackend
