#include "autocomplete/autocomplete.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/data_type.h"
#include "config/model_config.h"
#include "tensor/tensor_spec.h"

#include "tensor_builders.h"

namespace ortbackend {
namespace {

using testing_builders::Config;
using testing_builders::Tensor;

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;

TensorConfig ConfigWithReshape(const std::string& name, TRITONSERVER_DataType dtype, Shape dims, Shape reshape) {
  TensorConfig c = Config(name, dtype, std::move(dims));
  c.has_reshape = true;
  c.reshape = std::move(reshape);
  return c;
}

// =============================================================================
// ModelSupportsBatching
// =============================================================================

TEST(ModelSupportsBatching, TrueWhenEveryTensorHasADynamicFirstDim) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3}), Tensor("ids", TRITONSERVER_TYPE_INT64, {-1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  EXPECT_TRUE(ModelSupportsBatching(io));
}

TEST(ModelSupportsBatching, FalseWhenAnInputHasAFixedFirstDim) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  EXPECT_FALSE(ModelSupportsBatching(io));
}

TEST(ModelSupportsBatching, FalseWhenAnOutputHasAFixedFirstDim) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  EXPECT_FALSE(ModelSupportsBatching(io));
}

TEST(ModelSupportsBatching, FalseWhenATensorIsAScalar) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3}), Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  EXPECT_FALSE(ModelSupportsBatching(io));
}

TEST(ModelSupportsBatching, FalseForAModelWithoutTensors) { EXPECT_FALSE(ModelSupportsBatching(ModelIoInfo{})); }

// =============================================================================
// AutoCompleteConfig
// =============================================================================

TEST(AutoCompleteConfig, CompletesAnEmptyConfigWithDefaultMaxBatchSize) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3, 224})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_INT64, {-1, 10})};
  json config;  // no config.pbtxt at all
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 4);
  ASSERT_EQ(config["input"].size(), 1u);
  EXPECT_EQ(config["input"][0]["name"], "x");
  EXPECT_EQ(config["input"][0]["data_type"], "TYPE_FP32");
  EXPECT_EQ(config["input"][0]["dims"], json::array({3, 224}));
  ASSERT_EQ(config["output"].size(), 1u);
  EXPECT_EQ(config["output"][0]["name"], "y");
  EXPECT_EQ(config["output"][0]["data_type"], "TYPE_INT64");
  EXPECT_EQ(config["output"][0]["dims"], json::array({10}));
  EXPECT_EQ(config["dynamic_batching"], json::object());
}

TEST(AutoCompleteConfig, AddsEveryModelTensorInModelOrder) {
  ModelIoInfo io;
  io.inputs = {Tensor("b", TRITONSERVER_TYPE_FP32, {2}), Tensor("a", TRITONSERVER_TYPE_INT32, {3})};
  io.outputs = {Tensor("z", TRITONSERVER_TYPE_FP32, {2}), Tensor("y", TRITONSERVER_TYPE_BOOL, {1})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ASSERT_EQ(config["input"].size(), 2u);
  EXPECT_EQ(config["input"][0]["name"], "b");
  EXPECT_EQ(config["input"][1]["name"], "a");
  EXPECT_EQ(config["input"][1]["data_type"], "TYPE_INT32");
  ASSERT_EQ(config["output"].size(), 2u);
  EXPECT_EQ(config["output"][0]["name"], "z");
  EXPECT_EQ(config["output"][1]["name"], "y");
  EXPECT_EQ(config["output"][1]["data_type"], "TYPE_BOOL");
}

TEST(AutoCompleteConfig, BytesTensorIsSpelledTypeString) {
  ModelIoInfo io;
  io.inputs = {Tensor("text", TRITONSERVER_TYPE_BYTES, {-1, 1})};
  io.outputs = {Tensor("tokens", TRITONSERVER_TYPE_BYTES, {-1, -1})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["data_type"], "TYPE_STRING");
  EXPECT_EQ(config["output"][0]["data_type"], "TYPE_STRING");
}

TEST(AutoCompleteConfig, NonBatchableModelKeepsMaxBatchSizeZero) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config.value("max_batch_size", 0), 0);
  EXPECT_EQ(config["input"][0]["dims"], json::array({2, 3})) << "a non-batching config lists the full shape";
  EXPECT_EQ(config["output"][0]["dims"], json::array({2}));
  EXPECT_FALSE(config.contains("dynamic_batching"));
}

TEST(AutoCompleteConfig, DefaultMaxBatchSizeZeroLeavesBatchingOff) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 0, &config, &notes).ok());

  EXPECT_EQ(config.value("max_batch_size", 0), 0);
  EXPECT_EQ(config["input"][0]["dims"], json::array({-1, 3}));
  EXPECT_FALSE(config.contains("dynamic_batching"));
}

TEST(AutoCompleteConfig, KeepsMaxBatchSizeTheConfigGives) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", 16}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 16);
  EXPECT_EQ(config["input"][0]["dims"], json::array({3}));
}

TEST(AutoCompleteConfig, ReadsMaxBatchSizeGivenAsString) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", "8"}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["dims"], json::array({3})) << "max_batch_size 8 means the batch dim is implicit";
}

TEST(AutoCompleteConfig, RejectsNonIntegerMaxBatchSize) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", "big"}};
  std::vector<std::string> notes;

  Status s = AutoCompleteConfig(io, 4, &config, &notes);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("max_batch_size"));
  EXPECT_THAT(s.message(), HasSubstr("big"));
}

// Triton rejects an empty reshape in a non-batching config, so a non-batching
// model's scalar is listed as dims [1] without reshape (see ImplicitScalar).
TEST(AutoCompleteConfig, ScalarOfANonBatchingModelGetsDimsOneWithoutReshape) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config.value("max_batch_size", 0), 0);
  EXPECT_EQ(config["input"][0]["dims"], json::array({1}));
  EXPECT_FALSE(config["input"][0].contains("reshape"));
  EXPECT_EQ(config["output"][0]["dims"], json::array({1}));
  EXPECT_FALSE(config["output"][0].contains("reshape"));
}

// Triton rejects a config tensor without dims ("must specify 'dims'"), so a
// batching model's [-1] tensor cannot be listed with dims []: it is exposed as
// dims [1] reshaped to the model's per-item scalar (an empty reshape is legal
// for a batching model).
TEST(AutoCompleteConfig, BatchDimOnlyTensorGetsDimsOneAndEmptyReshape) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3}), Tensor("length", TRITONSERVER_TYPE_INT64, {-1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ASSERT_EQ(config["max_batch_size"], 4);
  EXPECT_EQ(config["input"][1]["dims"], json::array({1}));
  EXPECT_EQ(config["input"][1]["reshape"], (json{{"shape", json::array()}}));
  EXPECT_EQ(config["output"][0]["dims"], json::array({1}));
  EXPECT_EQ(config["output"][0]["reshape"], (json{{"shape", json::array()}}));
}

TEST(AutoCompleteConfig, AddsDynamicBatchingWhenItSetsMaxBatchSizeAboveOneAndNoScheduler) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 2, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 2);
  EXPECT_EQ(config["dynamic_batching"], json::object());
  EXPECT_THAT(notes, Contains(HasSubstr("dynamic_batching")));
}

// A config that sets max_batch_size itself chose its scheduler too: none is
// the server's default scheduler, and auto-complete leaves it so.
TEST(AutoCompleteConfig, NoDynamicBatchingWhenTheConfigSetsMaxBatchSize) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", 8}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 8);
  EXPECT_FALSE(config.contains("dynamic_batching"));
  EXPECT_THAT(notes, Not(Contains(HasSubstr("dynamic_batching"))));
}

// max_batch_size 0 in the config is the same as leaving it out: the default
// is chosen here, so the batcher comes with it.
TEST(AutoCompleteConfig, AddsDynamicBatchingWhenTheConfigSetsMaxBatchSizeZero) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", 0}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 4);
  EXPECT_EQ(config["dynamic_batching"], json::object());
}

TEST(AutoCompleteConfig, NoDynamicBatchingWhenMaxBatchSizeIsOne) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 1, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 1);
  EXPECT_FALSE(config.contains("dynamic_batching"));
}

TEST(AutoCompleteConfig, KeepsTheDynamicBatchingTheConfigGives) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  const json batcher = {{"max_queue_delay_microseconds", 100}};
  json config = {{"dynamic_batching", batcher}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["dynamic_batching"], batcher);
  EXPECT_THAT(notes, Not(Contains(HasSubstr("dynamic_batching"))));
}

TEST(AutoCompleteConfig, NoDynamicBatchingWhenSequenceBatchingIsSet) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"sequence_batching", json::object()}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 4);
  EXPECT_FALSE(config.contains("dynamic_batching"));
}

TEST(AutoCompleteConfig, ConfigWithFullRankDimsImpliesNoBatching) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  // The user listed the batch dim as part of dims: this model is served
  // without Triton batching.
  json config = {{"input", {{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {-1, 3}}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config.value("max_batch_size", 0), 0);
  EXPECT_FALSE(config.contains("dynamic_batching"));
  EXPECT_EQ(config["input"][0]["dims"], json::array({-1, 3}));
  EXPECT_EQ(config["output"][0]["dims"], json::array({-1, 3})) << "outputs are completed at full rank too";
}

TEST(AutoCompleteConfig, FullRankOutputDimsAlsoImplyNoBatching) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"output", {{{"name", "y"}, {"data_type", "TYPE_FP32"}, {"dims", {-1, 3}}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config.value("max_batch_size", 0), 0);
}

TEST(AutoCompleteConfig, ConfigWithPerItemDimsStillGetsDefaultBatching) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"input", {{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["max_batch_size"], 4);
}

TEST(AutoCompleteConfig, FillsMissingDataTypeOfANamedEntry) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP16, {4})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP16, {4})};
  json config = {{"input", {{{"name", "x"}, {"dims", {4}}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["data_type"], "TYPE_FP16");
  EXPECT_THAT(notes, Contains(HasSubstr("data_type of input 'x'")));
}

TEST(AutoCompleteConfig, FillsDataTypeGivenAsTypeInvalid) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_INT8, {4})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_INT8, {4})};
  json config = {{"input", {{{"name", "x"}, {"data_type", "TYPE_INVALID"}, {"dims", {4}}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["data_type"], "TYPE_INT8");
}

TEST(AutoCompleteConfig, FillsMissingDimsOfANamedEntry) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 5, 7})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  json config = {{"max_batch_size", 8}, {"input", {{{"name", "x"}, {"data_type", "TYPE_FP32"}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["dims"], json::array({5, 7}));
  EXPECT_THAT(notes, Contains(HasSubstr("dims of input 'x'")));
}

TEST(AutoCompleteConfig, FillsMissingDimsOfANamedScalarWithDimsOne) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  json config = {{"input", {{{"name", "scale"}, {"data_type", "TYPE_FP32"}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["dims"], json::array({1}));
  EXPECT_FALSE(config["input"][0].contains("reshape"));
}

TEST(AutoCompleteConfig, FillsMissingDimsOfANamedBatchDimOnlyTensorWithDimsOneAndEmptyReshape) {
  ModelIoInfo io;
  io.inputs = {Tensor("length", TRITONSERVER_TYPE_INT64, {-1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", 8}, {"input", {{{"name", "length"}, {"data_type", "TYPE_INT64"}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0]["dims"], json::array({1}));
  EXPECT_EQ(config["input"][0]["reshape"], (json{{"shape", json::array()}}));
}

TEST(AutoCompleteConfig, KeepsDimsAndTypeTheConfigGives) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, -1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, -1})};
  const json entry = {{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {16}}};
  json config = {{"max_batch_size", 4}, {"input", {entry}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"][0], entry);
}

TEST(AutoCompleteConfig, LeavesUnknownEntriesForValidationToReport) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  const json entry = {{"name", "typo"}};
  json config = {{"input", {entry}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ASSERT_EQ(config["input"].size(), 1u);
  EXPECT_EQ(config["input"][0], entry);
}

TEST(AutoCompleteConfig, DoesNotAddModelInputsMissingFromANonEmptyList) {
  ModelIoInfo io;
  io.inputs = {Tensor("a", TRITONSERVER_TYPE_FP32, {3}), Tensor("b", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  json config = {{"input", {{{"name", "a"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}}}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"].size(), 1u);
}

TEST(AutoCompleteConfig, TreatsAnEmptyListAsMissing) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  json config = {{"input", json::array()}, {"output", nullptr}};
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_EQ(config["input"].size(), 1u);
  EXPECT_EQ(config["output"].size(), 1u);
}

TEST(AutoCompleteConfig, RejectsInputThatIsNotAList) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  json config = {{"input", "x"}};
  std::vector<std::string> notes;

  Status s = AutoCompleteConfig(io, 4, &config, &notes);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input"));
}

TEST(AutoCompleteConfig, RejectsModelInputThatIsNotATensor) {
  ModelIoInfo io;
  ModelTensorInfo seq = Tensor("history", TRITONSERVER_TYPE_FP32, {-1});
  seq.is_tensor = false;
  io.inputs = {seq};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  json config = json::object();
  std::vector<std::string> notes;

  Status s = AutoCompleteConfig(io, 4, &config, &notes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("'history'"));
  EXPECT_THAT(s.message(), HasSubstr("not a tensor"));
}

TEST(AutoCompleteConfig, RejectsModelOutputWithATypeTritonCannotRepresent) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  ModelTensorInfo complex;
  complex.name = "spectrum";
  complex.ort_type = ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64;
  complex.dtype = TRITONSERVER_TYPE_INVALID;
  complex.shape = {3};
  io.outputs = {complex};
  json config = json::object();
  std::vector<std::string> notes;

  Status s = AutoCompleteConfig(io, 4, &config, &notes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("'spectrum'"));
  EXPECT_THAT(s.message(), HasSubstr(OrtTypeName(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64)));
}

TEST(AutoCompleteConfig, ReplacesANonObjectConfigWithACompletedOne) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  json config = json::array();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ASSERT_TRUE(config.is_object());
  EXPECT_EQ(config["input"].size(), 1u);
}

TEST(AutoCompleteConfig, LeavesNotesForEachChange) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_THAT(notes, Contains(HasSubstr("max_batch_size to 4")));
  EXPECT_THAT(notes, Contains(HasSubstr("input")));
  EXPECT_THAT(notes, Contains(HasSubstr("output")));
  EXPECT_THAT(notes, Contains(HasSubstr("dynamic_batching")));
}

TEST(AutoCompleteConfig, LeavesNoNotesWhenTheConfigIsComplete) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  json config = {{"max_batch_size", 8},
                 {"input", {{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}}},
                 {"output", {{{"name", "y"}, {"data_type", "TYPE_FP32"}, {"dims", {3}}}}},
                 {"dynamic_batching", json::object()}};
  const json before = config;
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  EXPECT_THAT(notes, IsEmpty());
  EXPECT_EQ(config, before);
}

// What the backend does at load: complete, parse, validate. A completed config
// must always pass validation against the model it was completed from.
TEST(AutoCompleteConfig, CompletedConfigPassesValidation) {
  ModelIoInfo io;
  io.inputs = {Tensor("image", TRITONSERVER_TYPE_FP32, {-1, 3, -1, -1}),
               Tensor("mask", TRITONSERVER_TYPE_BOOL, {-1, 1})};
  io.outputs = {Tensor("logits", TRITONSERVER_TYPE_FP32, {-1, 1000}),
                Tensor("label", TRITONSERVER_TYPE_BYTES, {-1, 1})};
  json config = json::object();
  std::vector<std::string> notes;
  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ModelConfig parsed;
  Status s = ParseModelConfig(config, &parsed);
  ASSERT_TRUE(s.ok()) << s.message();
  s = ValidateConfigAgainstModel(parsed, io);
  EXPECT_TRUE(s.ok()) << s.message() << "\nconfig: " << config.dump();
}

TEST(AutoCompleteConfig, CompletedScalarConfigPassesValidation) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {})};
  json config = json::object();
  std::vector<std::string> notes;
  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ModelConfig parsed;
  ASSERT_TRUE(ParseModelConfig(config, &parsed).ok());
  Status s = ValidateConfigAgainstModel(parsed, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(AutoCompleteConfig, CompletedBatchDimOnlyConfigPassesValidation) {
  ModelIoInfo io;
  io.inputs = {Tensor("length", TRITONSERVER_TYPE_INT64, {-1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 4})};
  json config = json::object();
  std::vector<std::string> notes;
  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ModelConfig parsed;
  ASSERT_TRUE(ParseModelConfig(config, &parsed).ok());
  Status s = ValidateConfigAgainstModel(parsed, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

// =============================================================================
// ValidateConfigAgainstModel
// =============================================================================

TEST(ValidateConfigAgainstModel, AcceptsAMatchingBatchingConfig) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  ModelConfig config;
  config.max_batch_size = 8;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateConfigAgainstModel, AcceptsAMatchingNonBatchingConfig) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {-1, 2})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateConfigAgainstModel, AcceptsAWildcardOnEitherSide) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {4, -1})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {5, -1})};  // config -1 against model 3
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {4, 7})};  // config 7 against model -1

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateConfigAgainstModel, AcceptsASubsetOfTheModelOutputs) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3}), Tensor("debug", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  EXPECT_TRUE(ValidateConfigAgainstModel(config, io).ok());
}

TEST(ValidateConfigAgainstModel, RejectsUnknownInputNameListingAllowedNames) {
  ModelIoInfo io;
  io.inputs = {Tensor("input_ids", TRITONSERVER_TYPE_INT64, {-1, -1}),
               Tensor("attention_mask", TRITONSERVER_TYPE_INT64, {-1, -1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {Config("input_id", TRITONSERVER_TYPE_INT64, {-1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'input_id'"));
  EXPECT_THAT(s.message(), HasSubstr("'input_ids'"));
  EXPECT_THAT(s.message(), HasSubstr("'attention_mask'"));
}

TEST(ValidateConfigAgainstModel, RejectsUnknownOutputNameListingAllowedNames) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("logits", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("probs", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("output 'probs'"));
  EXPECT_THAT(s.message(), HasSubstr("'logits'"));
}

TEST(ValidateConfigAgainstModel, RejectsConfigMissingAModelInput) {
  ModelIoInfo io;
  io.inputs = {Tensor("a", TRITONSERVER_TYPE_FP32, {3}), Tensor("b", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("a", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'b'"));
  EXPECT_THAT(s.message(), HasSubstr("missing"));
}

TEST(ValidateConfigAgainstModel, RejectsDataTypeMismatchNamingBothTypes) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP16, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_FP16"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_FP32"));
}

TEST(ValidateConfigAgainstModel, RejectsOutputDataTypeMismatch) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_INT64, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_INT32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("output 'y'"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_INT32"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_INT64"));
}

TEST(ValidateConfigAgainstModel, RejectsDimsMismatchShowingBothShapes) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3, 5})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3, 4})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("[3,4]"));
  EXPECT_THAT(s.message(), HasSubstr("[3,5]"));
}

TEST(ValidateConfigAgainstModel, RejectsRankMismatchShowingBothShapes) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3, 5})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {15})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("[15]"));
  EXPECT_THAT(s.message(), HasSubstr("[3,5]"));
}

TEST(ValidateConfigAgainstModel, DimsMismatchOfBatchingConfigShowsTheImplicitBatchDim) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {4})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'x'"));
  EXPECT_THAT(s.message(), HasSubstr("[-1,4]"));
  EXPECT_THAT(s.message(), HasSubstr("max_batch_size"));
  EXPECT_THAT(s.message(), HasSubstr("[-1,3]"));
}

TEST(ValidateConfigAgainstModel, RejectsBatchingConfigThatRepeatsTheBatchDim) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("[-1,-1,3]"));
  EXPECT_THAT(s.message(), HasSubstr("[-1,3]"));
}

TEST(ValidateConfigAgainstModel, RejectsMaxBatchSizeOnANonBatchableModel) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {1, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {1, 3})};
  ModelConfig config;
  config.max_batch_size = 8;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("max_batch_size is 8"));
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("[1,3]"));
  EXPECT_THAT(s.message(), HasSubstr("set max_batch_size to 0"));
}

TEST(ValidateConfigAgainstModel, RejectsMaxBatchSizeWhenOnlyAnOutputCannotBatch) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
  io.outputs = {Tensor("total", TRITONSERVER_TYPE_FP32, {})};
  ModelConfig config;
  config.max_batch_size = 2;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {ConfigWithReshape("total", TRITONSERVER_TYPE_FP32, {1}, {})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'total'"));
  EXPECT_THAT(s.message(), HasSubstr("[]"));
}

TEST(ValidateConfigAgainstModel, ComparesTheReshapeAgainstTheModelShape) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 2, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 6})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {ConfigWithReshape("x", TRITONSERVER_TYPE_FP32, {6}, {2, 3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {6})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateConfigAgainstModel, ReshapeMismatchSaysTheShapeIsAfterReshape) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2, 3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {6})};
  ModelConfig config;
  config.inputs = {ConfigWithReshape("x", TRITONSERVER_TYPE_FP32, {6}, {3, 2})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {6})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("[3,2]"));
  EXPECT_THAT(s.message(), HasSubstr("after reshape"));
  EXPECT_THAT(s.message(), HasSubstr("[2,3]"));
}

TEST(ValidateConfigAgainstModel, RejectsConfigWithoutOutputs) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("no outputs"));
}

TEST(ValidateConfigAgainstModel, RejectsModelOutputThatIsNotATensor) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3})};
  ModelTensorInfo map = Tensor("scores", TRITONSERVER_TYPE_FP32, {3});
  map.is_tensor = false;
  io.outputs = {map};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("scores", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("'scores'"));
}

TEST(ValidateConfigAgainstModel, UnknownNameInAModelWithoutInputsSaysNone) {
  ModelIoInfo io;
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("(none)"));
}

// =============================================================================
// ImplicitScalar
// =============================================================================

TEST(ImplicitScalar, TrueForANonBatchingScalarListedAsDimsOne) {
  EXPECT_TRUE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {1}), Tensor("s", TRITONSERVER_TYPE_FP32, {}),
                             /*batching=*/false));
}

TEST(ImplicitScalar, FalseForABatchingModel) {
  EXPECT_FALSE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {1}), Tensor("s", TRITONSERVER_TYPE_FP32, {}),
                              /*batching=*/true));
}

TEST(ImplicitScalar, FalseWhenTheConfigGivesAReshape) {
  EXPECT_FALSE(ImplicitScalar(ConfigWithReshape("s", TRITONSERVER_TYPE_FP32, {1}, {}),
                              Tensor("s", TRITONSERVER_TYPE_FP32, {}), /*batching=*/false));
}

TEST(ImplicitScalar, FalseWhenTheModelTensorHasARank) {
  EXPECT_FALSE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {1}), Tensor("s", TRITONSERVER_TYPE_FP32, {1}),
                              /*batching=*/false));
}

TEST(ImplicitScalar, FalseForDimsOtherThanOne) {
  const ModelTensorInfo scalar = Tensor("s", TRITONSERVER_TYPE_FP32, {});
  EXPECT_FALSE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {2}), scalar, false));
  EXPECT_FALSE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {-1}), scalar, false));
  EXPECT_FALSE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {1, 2}), scalar, false));
  EXPECT_FALSE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {}), scalar, false));
}

// The original backend accepts a rank-0 model tensor under any config shape
// whose dims are all 1.
TEST(ImplicitScalar, TrueForAnyAllOnesShape) {
  const ModelTensorInfo scalar = Tensor("s", TRITONSERVER_TYPE_FP32, {});
  EXPECT_TRUE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {1, 1}), scalar, false));
  EXPECT_TRUE(ImplicitScalar(Config("s", TRITONSERVER_TYPE_FP32, {1, 1, 1}), scalar, false));
}

TEST(ValidateConfigAgainstModel, AcceptsScalarListedAsDimsOneWithoutReshape) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {})};
  ModelConfig config;
  config.inputs = {Config("scale", TRITONSERVER_TYPE_FP32, {1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {1})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateConfigAgainstModel, RejectsScalarListedWithMoreThanOneElement) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("scale", TRITONSERVER_TYPE_FP32, {2})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'scale'"));
  EXPECT_THAT(s.message(), HasSubstr("[2]"));
  EXPECT_THAT(s.message(), HasSubstr("[]"));
}

TEST(ValidateConfigAgainstModel, StillChecksTheDataTypeOfAnImplicitScalar) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("scale", TRITONSERVER_TYPE_FP64, {1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("TYPE_FP64"));
}

TEST(ValidateConfigAgainstModel, AcceptsBatchDimOnlyTensorListedAsDimsOneWithEmptyReshape) {
  ModelIoInfo io;
  io.inputs = {Tensor("length", TRITONSERVER_TYPE_INT64, {-1})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 3})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {ConfigWithReshape("length", TRITONSERVER_TYPE_INT64, {1}, {})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {3})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

// =============================================================================
// Overridable initializers (initializers the graph also lists as inputs)
// =============================================================================

ModelTensorInfo Initializer(const std::string& name, TRITONSERVER_DataType dtype, Shape shape) {
  ModelTensorInfo t = Tensor(name, dtype, std::move(shape));
  t.initializer = true;
  return t;
}

TEST(OverridableInitializers, AutoCompleteLeavesThemOutAsTheOriginalDoes) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {2})};  // a fixed first dim
  json config = json::object();
  std::vector<std::string> notes;

  ASSERT_TRUE(AutoCompleteConfig(io, 4, &config, &notes).ok());

  ASSERT_EQ(config["input"].size(), 1u);
  EXPECT_EQ(config["input"][0]["name"], "x");
  // Their fixed dims do not stop the model from batching.
  EXPECT_EQ(config["max_batch_size"], 4);
  ModelConfig parsed;
  ASSERT_TRUE(ParseModelConfig(config, &parsed).ok());
  Status s = ValidateConfigAgainstModel(parsed, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(OverridableInitializers, AcceptsOneListedAsAnOptionalInput) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {2}), Config("w", TRITONSERVER_TYPE_FP32, {2})};
  config.inputs[1].optional = true;
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
  ExecutionSpec spec = BuildExecutionSpec(config, io);
  EXPECT_FALSE(spec.inputs[0].has_default);
  EXPECT_TRUE(spec.inputs[1].has_default);
}

TEST(OverridableInitializers, RejectsOneListedWithTheWrongDataType) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {2}), Config("w", TRITONSERVER_TYPE_INT64, {2})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), AllOf(HasSubstr("input 'w'"), HasSubstr("TYPE_INT64"), HasSubstr("TYPE_FP32")));
}

TEST(OverridableInitializers, RejectsOneListedWithTheWrongShape) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {2}), Config("w", TRITONSERVER_TYPE_FP32, {3})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), AllOf(HasSubstr("input 'w'"), HasSubstr("[3]"), HasSubstr("[2]")));
}

TEST(OverridableInitializers, AcceptsOneReshapedToTheModelsShape) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {1, 2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {2}),
                   ConfigWithReshape("w", TRITONSERVER_TYPE_FP32, {2}, {1, 2})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(OverridableInitializers, UnknownInputMessageNamesThemToo) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {2}), Config("bias", TRITONSERVER_TYPE_FP32, {2})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), AllOf(HasSubstr("input 'bias'"), HasSubstr("'x'"), HasSubstr("overridable initializers"),
                                 HasSubstr("'w'")));
}

TEST(OverridableInitializers, RejectsOneConfiguredTwice) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {2})};
  io.initializers = {Initializer("w", TRITONSERVER_TYPE_FP32, {2})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {2}), Config("w", TRITONSERVER_TYPE_FP32, {2}),
                   Config("w", TRITONSERVER_TYPE_FP32, {2})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {2})};

  Status s = ValidateConfigAgainstModel(config, io);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), AllOf(HasSubstr("'w'"), HasSubstr("more than once")));
}

}  // namespace
}  // namespace ortbackend
