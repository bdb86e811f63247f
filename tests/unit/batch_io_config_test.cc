// Parsing of batch_input / batch_output (ragged batching) from the model
// configuration's JSON form.

#include "config/batch_io_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/model_config.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

json RaggedConfig() {
  return json::parse(R"({
    "name": "ragged", "max_batch_size": 8,
    "input": [{"name": "INPUT", "data_type": "TYPE_FP32", "dims": [-1], "allow_ragged_batch": true}],
    "output": [{"name": "OUTPUT", "data_type": "TYPE_FP32", "dims": [-1]}],
    "batch_input": [{"kind": "BATCH_ACCUMULATED_ELEMENT_COUNT", "target_name": ["INDEX"],
                     "data_type": "TYPE_INT32", "source_input": ["INPUT"]}],
    "batch_output": [{"target_name": ["OUTPUT"], "kind": "BATCH_SCATTER_WITH_INPUT_SHAPE",
                      "source_input": ["INPUT"]}]
  })");
}

TEST(ParseModelConfig, ReadsAllowRaggedBatch) {
  ModelConfig config;
  ASSERT_TRUE(ParseModelConfig(RaggedConfig(), &config).ok());
  EXPECT_TRUE(config.inputs[0].allow_ragged_batch);
}

TEST(ParseModelConfig, RejectsANonBooleanAllowRaggedBatch) {
  json j = RaggedConfig();
  j["input"][0]["allow_ragged_batch"] = "yes";
  ModelConfig config;
  Status s = ParseModelConfig(j, &config);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'INPUT' has non-boolean 'allow_ragged_batch'"));
}

TEST(ParseModelConfig, ReadsBatchInputsAndOutputs) {
  ModelConfig config;
  ASSERT_TRUE(ParseModelConfig(RaggedConfig(), &config).ok());
  ASSERT_EQ(config.batch_inputs.size(), 1u);
  EXPECT_EQ(config.batch_inputs[0].kind, BatchInputConfig::Kind::kAccumulatedElementCount);
  EXPECT_EQ(config.batch_inputs[0].target_names, std::vector<std::string>{"INDEX"});
  EXPECT_EQ(config.batch_inputs[0].dtype, TRITONSERVER_TYPE_INT32);
  EXPECT_EQ(config.batch_inputs[0].source_input, "INPUT");
  ASSERT_EQ(config.batch_outputs.size(), 1u);
  EXPECT_EQ(config.batch_outputs[0].target_names, std::vector<std::string>{"OUTPUT"});
  EXPECT_EQ(config.batch_outputs[0].source_input, "INPUT");
}

TEST(ParseBatchInputs, ReadsEveryKindByItsConfigName) {
  for (const char* kind :
       {"BATCH_ELEMENT_COUNT", "BATCH_ACCUMULATED_ELEMENT_COUNT", "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO",
        "BATCH_MAX_ELEMENT_COUNT_AS_SHAPE", "BATCH_ITEM_SHAPE", "BATCH_ITEM_SHAPE_FLATTEN"}) {
    json list = json::array(
        {{{"kind", kind}, {"target_name", {"T"}}, {"data_type", "TYPE_FP32"}, {"source_input", {"INPUT"}}}});
    std::vector<BatchInputConfig> out;
    Status s = ParseBatchInputs(list, {"INPUT"}, &out);
    ASSERT_TRUE(s.ok()) << kind << ": " << s.message();
    EXPECT_STREQ(BatchInputKindName(out[0].kind), kind);
  }
}

TEST(ParseBatchInputs, AcceptsASingleStringForARepeatedField) {
  json list = json::parse(R"([{"kind": "BATCH_ELEMENT_COUNT", "target_name": "T", "data_type": "TYPE_INT64",
                               "source_input": "INPUT"}])");
  std::vector<BatchInputConfig> out;
  ASSERT_TRUE(ParseBatchInputs(list, {"INPUT"}, &out).ok());
  EXPECT_EQ(out[0].target_names, std::vector<std::string>{"T"});
  EXPECT_EQ(out[0].dtype, TRITONSERVER_TYPE_INT64);
}

struct BadBatchInput {
  const char* label;
  const char* entry;
  const char* message;
};

class RejectsBadBatchInput : public ::testing::TestWithParam<BadBatchInput> {};

TEST_P(RejectsBadBatchInput, WithAMessageNamingIt) {
  std::vector<BatchInputConfig> out;
  Status s = ParseBatchInputs(json::array({json::parse(GetParam().entry)}), {"INPUT", "OTHER"}, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    BatchInputs, RejectsBadBatchInput,
    ::testing::Values(
        BadBatchInput{
            "UnknownKind",
            R"({"kind": "BATCH_SIZE", "target_name": ["T"], "data_type": "TYPE_FP32", "source_input": ["INPUT"]})",
            "batch_input 0 has unknown kind 'BATCH_SIZE'"},
        BadBatchInput{"NoTarget",
                      R"({"kind": "BATCH_ELEMENT_COUNT", "data_type": "TYPE_FP32", "source_input": ["INPUT"]})",
                      "batch_input 0 has no target_name"},
        BadBatchInput{
            "WrongType",
            R"({"kind": "BATCH_ELEMENT_COUNT", "target_name": ["T"], "data_type": "TYPE_FP16", "source_input": ["INPUT"]})",
            "batch_input 'T' has data_type 'TYPE_FP16'; expected TYPE_FP32, TYPE_INT32 or TYPE_INT64"},
        BadBatchInput{"NoSource", R"({"kind": "BATCH_ELEMENT_COUNT", "target_name": ["T"], "data_type": "TYPE_FP32"})",
                      "batch_input 'T' needs exactly one source_input, got 0"},
        BadBatchInput{
            "TwoSources",
            R"({"kind": "BATCH_ELEMENT_COUNT", "target_name": ["T"], "data_type": "TYPE_FP32", "source_input": ["INPUT", "OTHER"]})",
            "needs exactly one source_input, got 2"},
        BadBatchInput{
            "UnknownSource",
            R"({"kind": "BATCH_ELEMENT_COUNT", "target_name": ["T"], "data_type": "TYPE_FP32", "source_input": ["NOPE"]})",
            "source_input 'NOPE' is not a configured input"},
        BadBatchInput{
            "TargetIsAConfiguredInput",
            R"({"kind": "BATCH_ELEMENT_COUNT", "target_name": ["OTHER"], "data_type": "TYPE_FP32", "source_input": ["INPUT"]})",
            "target_name 'OTHER' is also listed under input"},
        BadBatchInput{
            "TargetNotAString",
            R"({"kind": "BATCH_ELEMENT_COUNT", "target_name": [3], "data_type": "TYPE_FP32", "source_input": ["INPUT"]})",
            "target_name must be a list of names"}),
    [](const ::testing::TestParamInfo<BadBatchInput>& info) { return std::string(info.param.label); });

TEST(ParseBatchOutputs, RejectsAnotherKind) {
  json list = json::parse(R"([{"kind": "BATCH_GATHER", "target_name": ["OUTPUT"], "source_input": ["INPUT"]}])");
  std::vector<BatchOutputConfig> out;
  Status s = ParseBatchOutputs(list, {"INPUT"}, {"OUTPUT"}, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(),
              HasSubstr("batch_output 'OUTPUT' has kind 'BATCH_GATHER'; expected BATCH_SCATTER_WITH_INPUT_SHAPE"));
}

TEST(ParseBatchOutputs, RejectsATargetThatIsNotAConfiguredOutput) {
  json list = json::parse(
      R"([{"kind": "BATCH_SCATTER_WITH_INPUT_SHAPE", "target_name": ["NOPE"], "source_input": ["INPUT"]}])");
  std::vector<BatchOutputConfig> out;
  Status s = ParseBatchOutputs(list, {"INPUT"}, {"OUTPUT"}, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("target_name 'NOPE' is not a configured output"));
}

TEST(ParseBatchOutputs, RejectsAnUnknownSource) {
  json list = json::parse(
      R"([{"kind": "BATCH_SCATTER_WITH_INPUT_SHAPE", "target_name": ["OUTPUT"], "source_input": ["NOPE"]}])");
  std::vector<BatchOutputConfig> out;
  Status s = ParseBatchOutputs(list, {"INPUT"}, {"OUTPUT"}, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("source_input 'NOPE' is not a configured input"));
}

TEST(BatchInputTargetNames, ListsEveryTargetAndIgnoresMalformedEntries) {
  json config = json::parse(R"({"batch_input": [
    {"kind": "BATCH_ELEMENT_COUNT", "target_name": ["A", "B"]},
    {"kind": "BATCH_ITEM_SHAPE", "target_name": "C"},
    {"kind": "BATCH_ITEM_SHAPE", "target_name": 7},
    "junk"]})");
  EXPECT_EQ(BatchInputTargetNames(config), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_TRUE(BatchInputTargetNames(json::parse("[]")).empty());
}

}  // namespace
}  // namespace ortbackend
