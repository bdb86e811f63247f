// Reading config.pbtxt (protobuf text format) into the model configuration's
// JSON form, and writing it back (ort-model-config --config).

#include "pbtxt_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pbtxt_writer.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

json Read(const std::string& text) {
  json j;
  Status s = PbtxtToJson(text, "config.pbtxt", &j);
  EXPECT_TRUE(s.ok()) << s.message();
  return j;
}

TEST(PbtxtToJson, ReadsScalarsEnumsAndMessages) {
  json j = Read(R"(# a comment
name: "m"   # another
max_batch_size: 8
dynamic_batching { max_queue_delay_microseconds: 100 }
optimization: { graph: { level: -1 } }
input [ { name: "x" data_type: TYPE_FP32 dims: [ -1, 3 ] optional: true } ]
)");
  EXPECT_EQ(j["name"], "m");
  EXPECT_EQ(j["max_batch_size"], 8);
  EXPECT_EQ(j["dynamic_batching"]["max_queue_delay_microseconds"], 100);
  EXPECT_EQ(j["optimization"]["graph"]["level"], -1);
  EXPECT_EQ(j["input"][0]["data_type"], "TYPE_FP32");
  EXPECT_EQ(j["input"][0]["dims"], json::array({-1, 3}));
  EXPECT_EQ(j["input"][0]["optional"], true);
}

TEST(PbtxtToJson, RepeatedFieldsAreListsHoweverTheyAreWritten) {
  json j = Read(R"(
input { name: "a" data_type: TYPE_FP32 dims: 4 }
input { name: "b" data_type: TYPE_FP32 dims: [ 4 ] }
batch_input { kind: BATCH_ELEMENT_COUNT target_name: "T" source_input: "a" data_type: TYPE_INT32 }
instance_group [ { kind: KIND_GPU count: 2 gpus: [ 0, 1 ] } ]
)");
  ASSERT_EQ(j["input"].size(), 2u);
  EXPECT_EQ(j["input"][0]["dims"], json::array({4}));
  EXPECT_EQ(j["batch_input"][0]["target_name"], json::array({"T"}));
  EXPECT_EQ(j["batch_input"][0]["source_input"], json::array({"a"}));
  EXPECT_EQ(j["instance_group"][0]["gpus"], json::array({0, 1}));
}

TEST(PbtxtToJson, MapEntriesBecomeObjectMembers) {
  json j = Read(R"(
parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
parameters [ { key: "execution_mode" value { string_value: "1" } } ]
optimization { execution_accelerators { cpu_execution_accelerator : [ {
  name : "openvino" parameters { key: "device_type" value: "CPU" } } ] } }
)");
  EXPECT_EQ(j["parameters"]["intra_op_thread_count"]["string_value"], "2");
  EXPECT_EQ(j["parameters"]["execution_mode"]["string_value"], "1");
  const json& ov = j["optimization"]["execution_accelerators"]["cpu_execution_accelerator"][0];
  EXPECT_EQ(ov["name"], "openvino");
  EXPECT_EQ(ov["parameters"]["device_type"], "CPU");
}

TEST(PbtxtToJson, ReadsStringEscapesNumbersAndAngleBrackets) {
  json j = Read(R"(name: 'q\"x\t\101\x42' 'c' a: 1.5 b: 1e3 c: 0x10 d: -7 e < f: 2 >; g: 18446744073709551615)");
  EXPECT_EQ(j["name"], "q\"x\tABc");
  EXPECT_DOUBLE_EQ(j["a"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(j["b"].get<double>(), 1000.0);
  EXPECT_EQ(j["c"], 16);
  EXPECT_EQ(j["d"], -7);
  EXPECT_EQ(j["e"]["f"], 2);
  EXPECT_EQ(j["g"].get<uint64_t>(), 18446744073709551615ull);
}

struct BadText {
  const char* label;
  const char* text;
  const char* message;
};

class RejectsBadPbtxt : public ::testing::TestWithParam<BadText> {};

TEST_P(RejectsBadPbtxt, NamingTheLine) {
  json j;
  Status s = PbtxtToJson(GetParam().text, "cfg.pbtxt", &j);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, RejectsBadPbtxt,
    ::testing::Values(BadText{"UnclosedMessage", "name: \"m\"\ninput { name: \"x\"", "cfg.pbtxt:2: missing '}'"},
                      BadText{"UnclosedString", "name: \"m", "cfg.pbtxt:1: a string is not closed"},
                      BadText{"NoColon", "max_batch_size 8", "expected ':' or '{' after 'max_batch_size'"},
                      BadText{"NotANumber", "max_batch_size: 8x", "'8x' is not a number"},
                      BadText{"GivenTwice", "name: \"a\"\nname: \"b\"", "cfg.pbtxt:2: 'name' is given twice"},
                      BadText{"StrayBrace", "name: \"a\" }", "unexpected '}'"},
                      BadText{"ListWithoutComma", "dims: [ 1 2 ]", "expected ',' or ']'"},
                      BadText{"MapEntryWithoutKey", "parameters { value: { string_value: \"1\" } }",
                              "'parameters' entries are written { key: ... value: ... }"},
                      BadText{"ValueMissing", "name:", "a value is missing at the end"}),
    [](const ::testing::TestParamInfo<BadText>& info) { return std::string(info.param.label); });

TEST(PbtxtToJson, WhatTheWriterWritesReadsBackTheSame) {
  const json config = json::parse(R"({
    "name": "r", "backend": "onnxruntime", "max_batch_size": 8,
    "input": [{"name": "INPUT", "data_type": "TYPE_FP32", "dims": [-1], "allow_ragged_batch": true}],
    "output": [{"name": "OUT", "data_type": "TYPE_FP32", "dims": [1], "reshape": {"shape": []}}],
    "batch_input": [{"kind": "BATCH_ITEM_SHAPE", "target_name": ["T"], "data_type": "TYPE_INT32",
                     "source_input": ["INPUT"]}],
    "parameters": {"a": {"string_value": "x y"}, "b": {"string_value": "2"}},
    "dynamic_batching": {}
  })");
  EXPECT_EQ(Read(ConfigToPbtxt(config)), config);
}

}  // namespace
}  // namespace ortbackend
