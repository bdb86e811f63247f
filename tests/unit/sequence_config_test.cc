// sequence_batching: control inputs and implicit state become model
// inputs/outputs that are parsed, auto-completed around, validated and run.
#include "config/sequence_config.h"

#include <functional>
#include <ostream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "autocomplete/autocomplete.h"
#include "common/data_type.h"
#include "tensor/tensor_spec.h"

#include "tensor_builders.h"

namespace ortbackend {
namespace {

using testing_builders::Tensor;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

json Control(const std::string& name, json control) { return {{"name", name}, {"control", json::array({control})}}; }

// What Triton's JSON of a full sequence_batching section looks like (empty
// repeated fields included, as the server prints them).
json FullSequenceBatching() {
  return {{"control_input",
           {Control("START", {{"kind", "CONTROL_SEQUENCE_START"},
                              {"int32_false_true", {0, 1}},
                              {"fp32_false_true", json::array()},
                              {"bool_false_true", json::array()}}),
            Control("END", {{"kind", "CONTROL_SEQUENCE_END"}, {"fp32_false_true", {0.0, 1.0}}}),
            Control("READY", {{"kind", "CONTROL_SEQUENCE_READY"}, {"bool_false_true", {false, true}}}),
            Control("CORRID", {{"kind", "CONTROL_SEQUENCE_CORRID"}, {"data_type", "TYPE_UINT64"}})}},
          {"state",
           {{{"input_name", "S_IN"},
             {"output_name", "S_OUT"},
             {"data_type", "TYPE_STRING"},
             {"dims", {"2"}},
             {"use_same_buffer_for_input_output", true}}}}};
}

TEST(ParseSequenceBatching, ControlsGetTheirDtypeFromTheControlAndDimsOne) {
  std::vector<TensorConfig> controls;
  std::vector<SequenceStateConfig> states;
  ASSERT_TRUE(ParseSequenceBatching(FullSequenceBatching(), &controls, &states).ok());
  ASSERT_EQ(controls.size(), 4u);
  EXPECT_EQ(controls[0].name, "START");
  EXPECT_EQ(controls[0].dtype, TRITONSERVER_TYPE_INT32);
  EXPECT_EQ(controls[1].dtype, TRITONSERVER_TYPE_FP32);
  EXPECT_EQ(controls[2].dtype, TRITONSERVER_TYPE_BOOL);
  EXPECT_EQ(controls[3].dtype, TRITONSERVER_TYPE_UINT64);
  for (const auto& c : controls) EXPECT_THAT(c.dims, ElementsAre(1));
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].input.name, "S_IN");
  EXPECT_EQ(states[0].output.name, "S_OUT");
  EXPECT_EQ(states[0].output.dtype, TRITONSERVER_TYPE_BYTES);
  EXPECT_THAT(states[0].input.dims, ElementsAre(2));
}

TEST(ParseSequenceBatching, NullOrAbsentMeansNothing) {
  std::vector<TensorConfig> controls{TensorConfig{}};
  std::vector<SequenceStateConfig> states{SequenceStateConfig{}};
  ASSERT_TRUE(ParseSequenceBatching(json(), &controls, &states).ok());
  EXPECT_TRUE(controls.empty());
  EXPECT_TRUE(states.empty());
  ASSERT_TRUE(ParseSequenceBatching(json::object(), &controls, &states).ok());
}

struct BadCase {
  const char* label;
  json section;
  const char* message;
};

// gtest would otherwise print the struct's bytes, padding included.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.label; }

class ParseSequenceBatchingErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseSequenceBatchingErrors, SayWhatIsWrong) {
  std::vector<TensorConfig> controls;
  std::vector<SequenceStateConfig> states;
  Status s = ParseSequenceBatching(GetParam().section, &controls, &states);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseSequenceBatchingErrors,
    ::testing::Values(
        BadCase{"no_flag_values",
                {{"control_input", {Control("START", {{"kind", "CONTROL_SEQUENCE_START"}})}}},
                "control_input 'START' (CONTROL_SEQUENCE_START) must set exactly one of"},
        BadCase{"two_flag_kinds",
                {{"control_input",
                  {Control("START", {{"kind", "CONTROL_SEQUENCE_START"},
                                     {"int32_false_true", {0, 1}},
                                     {"bool_false_true", {false, true}}})}}},
                "must set exactly one of"},
        BadCase{
            "three_flag_values",
            {{"control_input", {Control("END", {{"kind", "CONTROL_SEQUENCE_END"}, {"int32_false_true", {0, 1, 2}}})}}},
            "int32_false_true must hold two values"},
        BadCase{"corrid_float",
                {{"control_input", {Control("ID", {{"kind", "CONTROL_SEQUENCE_CORRID"}, {"data_type", "TYPE_FP32"}})}}},
                "control_input 'ID' (CONTROL_SEQUENCE_CORRID) has data_type 'TYPE_FP32'"},
        BadCase{"unknown_kind",
                {{"control_input", {Control("X", {{"kind", "CONTROL_SEQUENCE_SOMETIMES"}})}}},
                "unknown control kind 'CONTROL_SEQUENCE_SOMETIMES'"},
        BadCase{"no_name",
                {{"control_input", {{{"control", {{{"kind", "CONTROL_SEQUENCE_START"}}}}}}}},
                "control_input without a name"},
        BadCase{"two_controls",
                {{"control_input",
                  {{{"name", "A"},
                    {"control",
                     {{{"kind", "CONTROL_SEQUENCE_START"}, {"int32_false_true", {0, 1}}},
                      {{"kind", "CONTROL_SEQUENCE_END"}, {"int32_false_true", {0, 1}}}}}}}}},
                "control_input 'A' must have exactly one control"},
        BadCase{"state_without_output",
                {{"state", {{{"input_name", "S"}, {"data_type", "TYPE_FP32"}, {"dims", {1}}}}}},
                "state needs both input_name and output_name"},
        BadCase{"state_bad_type",
                {{"state", {{{"input_name", "S"}, {"output_name", "T"}, {"data_type", "TYPE_WHAT"}, {"dims", {1}}}}}},
                "unsupported data_type 'TYPE_WHAT'"}),
    [](const auto& info) { return std::string(info.param.label); });

// A batching model: X plus the four controls and a string state in, Y and
// the state out.
ModelIoInfo SequenceModel() {
  ModelIoInfo io;
  io.inputs = {Tensor("X", TRITONSERVER_TYPE_FP32, {-1, 3}),        Tensor("START", TRITONSERVER_TYPE_INT32, {-1, 1}),
               Tensor("END", TRITONSERVER_TYPE_FP32, {-1, 1}),      Tensor("READY", TRITONSERVER_TYPE_BOOL, {-1, 1}),
               Tensor("CORRID", TRITONSERVER_TYPE_UINT64, {-1, 1}), Tensor("S_IN", TRITONSERVER_TYPE_BYTES, {-1, 2})};
  io.outputs = {Tensor("Y", TRITONSERVER_TYPE_FP32, {-1, 3}), Tensor("S_OUT", TRITONSERVER_TYPE_BYTES, {-1, 2})};
  return io;
}

json SequenceConfig() { return {{"max_batch_size", 4}, {"sequence_batching", FullSequenceBatching()}}; }

TEST(SequenceAutoComplete, ListsOnlyTheTensorsTheSequenceBatcherDoesNotSupply) {
  json config = SequenceConfig();
  std::vector<std::string> notes;
  ASSERT_TRUE(AutoCompleteConfig(SequenceModel(), 4, &config, &notes).ok());
  ASSERT_EQ(config["input"].size(), 1u);
  EXPECT_EQ(config["input"][0]["name"], "X");
  ASSERT_EQ(config["output"].size(), 1u);
  EXPECT_EQ(config["output"][0]["name"], "Y");
  EXPECT_FALSE(config.contains("dynamic_batching")) << "sequence_batching is the scheduler";

  ModelConfig parsed;
  ASSERT_TRUE(ParseModelConfig(config, &parsed).ok());
  EXPECT_TRUE(ValidateConfigAgainstModel(parsed, SequenceModel()).ok());
}

Status ValidateWith(const std::function<void(json*)>& edit, const ModelIoInfo& io = SequenceModel()) {
  json config = SequenceConfig();
  config["input"] = {{{"name", "X"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}};
  config["output"] = {{{"name", "Y"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}};
  edit(&config);
  ModelConfig parsed;
  Status s = ParseModelConfig(config, &parsed);
  if (!s.ok()) return s;
  return ValidateConfigAgainstModel(parsed, io);
}

TEST(SequenceValidation, AcceptsTheCompleteConfig) {
  EXPECT_TRUE(ValidateWith([](json*) {}).ok());
}

TEST(SequenceValidation, ControlMissingFromTheModelIsNamed) {
  Status s = ValidateWith([](json* c) { (*c)["sequence_batching"]["control_input"][0]["name"] = "BEGIN"; });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("config sequence_batching input 'BEGIN' is not an input of the model"));
}

TEST(SequenceValidation, ControlTypeMustMatchTheModel) {
  Status s = ValidateWith([](json* c) {
    auto& start = (*c)["sequence_batching"]["control_input"][0]["control"][0];
    start["int32_false_true"] = json::array();
    start["fp32_false_true"] = {0.0, 1.0};
  });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'START' has data_type TYPE_FP32 in the config, but the model expects "
                                     "TYPE_INT32"));
}

TEST(SequenceValidation, StateShapeMustMatchTheModel) {
  Status s = ValidateWith([](json* c) { (*c)["sequence_batching"]["state"][0]["dims"] = {3}; });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'S_IN' has shape [-1,3]"));
}

TEST(SequenceValidation, StateOutputMustBeAModelOutput) {
  Status s = ValidateWith([](json* c) { (*c)["sequence_batching"]["state"][0]["output_name"] = "NOPE"; });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("sequence_batching state output 'NOPE' is not an output of the model"));
}

TEST(SequenceValidation, AnInputConfiguredTwiceIsRejected) {
  Status s = ValidateWith([](json* c) {
    (*c)["input"].push_back({{"name", "START"}, {"data_type", "TYPE_INT32"}, {"dims", {1}}});
  });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'START' is configured more than once"));
}

TEST(SequenceValidation, ModelInputNeitherConfiguredNorSuppliedIsMissing) {
  Status s = ValidateWith([](json* c) { (*c)["sequence_batching"]["control_input"].erase(3); });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("the model's input 'CORRID' is missing from the config"));
}

TEST(SequenceExecutionSpec, ControlsAndStateAreInputsAndTheStateOutputIsNotRequestable) {
  json config = SequenceConfig();
  config["input"] = {{{"name", "X"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}};
  config["output"] = {{{"name", "Y"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}};
  ModelConfig parsed;
  ASSERT_TRUE(ParseModelConfig(config, &parsed).ok());
  ExecutionSpec spec = BuildExecutionSpec(parsed, SequenceModel());
  ASSERT_EQ(spec.inputs.size(), 6u);
  for (const char* name : {"X", "START", "END", "READY", "CORRID", "S_IN"}) EXPECT_GE(spec.FindInput(name), 0) << name;
  ASSERT_EQ(spec.outputs.size(), 2u);
  EXPECT_TRUE(spec.has_states);
  EXPECT_EQ(spec.FindOutput("S_OUT"), -1) << "clients cannot ask for a state output the config does not list";
  EXPECT_TRUE(spec.outputs[1].feeds_state);
  EXPECT_FALSE(spec.outputs[0].feeds_state);
  EXPECT_EQ(spec.FindOutput("Y"), 0);
}

TEST(SequenceExecutionSpec, AStateOutputAlsoListedAsOutputStaysRequestable) {
  json config = SequenceConfig();
  config["input"] = {{{"name", "X"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}};
  config["output"] = {{{"name", "S_OUT"}, {"data_type", "TYPE_STRING"}, {"dims", {2}}}};
  ModelConfig parsed;
  ASSERT_TRUE(ParseModelConfig(config, &parsed).ok());
  ExecutionSpec spec = BuildExecutionSpec(parsed, SequenceModel());
  ASSERT_EQ(spec.outputs.size(), 1u);
  EXPECT_EQ(spec.FindOutput("S_OUT"), 0);
  EXPECT_TRUE(spec.outputs[0].feeds_state);
}

}  // namespace
}  // namespace ortbackend
