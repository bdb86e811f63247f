#include "load/model_load.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/data_type.h"

#include "tensor_builders.h"

namespace ortbackend {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing_builders::Tensor;
using json = nlohmann::json;

// A model repository directory of its own per test, removed afterwards. The
// files' contents do not matter: the reader given to LoadModel stands in for
// ONNX Runtime, and only their sizes are read.
class ModelLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ortb_model_load_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Write(const std::string& relative, size_t bytes) {
    const fs::path p = root_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << std::string(bytes, 'x');
    return p.string();
  }

  // The server's input for version 1 of the repository model at root_.
  ModelLoadInput ServerInput(json config = json::object()) const {
    ModelLoadInput in;
    in.repository = root_.string();
    in.version = 1;
    in.config = std::move(config);
    in.model_name = "m";
    return in;
  }

  // A reader declaring x: FP32 [-1, 3] -> y: FP32 [-1, 2], recording what it was given.
  ModelIoReader Reader() {
    return [this](const ModelLoad& so_far, ModelIoInfo* io) {
      ++reads_;
      read_path_ = so_far.file.path;
      read_custom_ops_ = so_far.settings.custom_op_libraries;
      read_config_ = so_far.config_json;
      io->inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3})};
      io->outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 2})};
      return Status::Ok();
    };
  }

  fs::path root_;
  int reads_ = 0;
  std::string read_path_;
  std::vector<std::string> read_custom_ops_;
  json read_config_;
};

TEST_F(ModelLoadTest, ResolvesTheVersionsModelOnnxAndCompletesTheConfig) {
  const std::string file = Write("1/model.onnx", 100);
  ModelLoad load;
  ASSERT_TRUE(LoadModel(ServerInput(), Reader(), &load).ok());
  EXPECT_EQ(load.file.path, file);
  EXPECT_FALSE(load.file.directory);
  EXPECT_EQ(load.weights_bytes, 100u);
  EXPECT_EQ(read_path_, file);
  EXPECT_EQ(reads_, 1);
  // The reader sees the config before completion; the result is completed.
  EXPECT_FALSE(read_config_.contains("input"));
  ASSERT_EQ(load.config.inputs.size(), 1u);
  EXPECT_EQ(load.config.inputs[0].name, "x");
  EXPECT_EQ(load.config.max_batch_size, 4);
  EXPECT_EQ(load.config_json["max_batch_size"], 4);
  EXPECT_FALSE(load.completed.empty());
  EXPECT_EQ(load.config.name, "m");  // a config without a name gets the model's
}

TEST_F(ModelLoadTest, DefaultModelFilenameNamesTheFile) {
  const std::string file = Write("1/other.onnx", 10);
  ModelLoad load;
  ASSERT_TRUE(LoadModel(ServerInput({{"default_model_filename", "other.onnx"}}), Reader(), &load).ok());
  EXPECT_EQ(load.file.path, file);
}

TEST_F(ModelLoadTest, ADirectoryModelCountsEveryFileBesideModelOnnx) {
  Write("1/model.onnx/model.onnx", 10);
  Write("1/model.onnx/weights.bin", 1000);
  ModelLoad load;
  ASSERT_TRUE(LoadModel(ServerInput(), Reader(), &load).ok());
  EXPECT_TRUE(load.file.directory);
  EXPECT_EQ(load.file.path, (root_ / "1/model.onnx/model.onnx").string());
  EXPECT_EQ(load.weights_bytes, 1010u);
}

TEST_F(ModelLoadTest, AGivenPathIsUsedInsteadOfTheRepository) {
  const std::string file = Write("elsewhere/net.onnx", 7);
  ModelLoadInput in = ServerInput();
  in.path = file;
  ModelLoad load;
  ASSERT_TRUE(LoadModel(in, Reader(), &load).ok());
  EXPECT_EQ(load.file.path, file);
}

TEST_F(ModelLoadTest, AMissingFileFailsBeforeTheModelIsRead) {
  ModelLoad load;
  const Status s = LoadModel(ServerInput(), Reader(), &load);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("model file not found: " + (root_ / "1/model.onnx").string()));
  EXPECT_EQ(reads_, 0);
}

TEST_F(ModelLoadTest, ABadParameterFailsBeforeTheFileIsLookedFor) {
  // No file at all: the parameter error is the one reported, as in the server.
  ModelLoad load;
  const Status s = LoadModel(ServerInput({{"parameters", {{"intra_op_thread_count", {{"string_value", "many"}}}}}}),
                             Reader(), &load);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("intra_op_thread_count"));
  EXPECT_EQ(reads_, 0);
}

TEST_F(ModelLoadTest, UnknownParametersAreKeptForTheirWarningsEvenWhenTheLoadFails) {
  ModelLoad load;
  const Status s =
      LoadModel(ServerInput({{"parameters", {{"no_such_key", {{"string_value", "1"}}}}}}), Reader(), &load);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);  // no file
  EXPECT_EQ(load.settings.unknown_keys, std::vector<std::string>{"no_such_key"});
}

TEST_F(ModelLoadTest, TheReaderGetsTheCustomOpLibrariesFirst) {
  Write("1/model.onnx", 1);
  ModelLoad load;
  ASSERT_TRUE(
      LoadModel(ServerInput({{"model_operations", {{"op_library_filename", {"/lib/ops.so"}}}}}), Reader(), &load).ok());
  EXPECT_EQ(read_custom_ops_, std::vector<std::string>{"/lib/ops.so"});
}

TEST_F(ModelLoadTest, TheReadersErrorIsTheLoads) {
  Write("1/model.onnx", 1);
  ModelLoad load;
  const Status s = LoadModel(
      ServerInput(), [](const ModelLoad&, ModelIoInfo*) { return Status::InvalidArgument("not an ONNX model"); },
      &load);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "not an ONNX model");
}

TEST_F(ModelLoadTest, WithoutAutoCompleteTheConfigIsOnlyChecked) {
  Write("1/model.onnx", 1);
  ModelLoadInput in = ServerInput({{"max_batch_size", 0},
                                   {"input", {{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {-1, 3}}}}},
                                   {"output", {{{"name", "y"}, {"data_type", "TYPE_FP32"}, {"dims", {-1, 2}}}}}});
  in.auto_complete = false;
  ModelLoad load;
  ASSERT_TRUE(LoadModel(in, Reader(), &load).ok());
  EXPECT_THAT(load.completed, IsEmpty());
  EXPECT_EQ(load.config_json, in.config);

  in.config = json::object();  // nothing to check the model against
  const Status s = LoadModel(in, Reader(), &load);
  EXPECT_FALSE(s.ok());
}

TEST_F(ModelLoadTest, AConfigThatDisagreesWithTheModelFailsValidation) {
  Write("1/model.onnx", 1);
  ModelLoad load;
  const Status s = LoadModel(ServerInput({{"input", {{{"name", "x"}, {"data_type", "TYPE_INT32"}, {"dims", {3}}}}}}),
                             Reader(), &load);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("'x'"));
  EXPECT_THAT(s.message(), HasSubstr("TYPE_FP32"));
}

TEST_F(ModelLoadTest, TheConfigsOwnNameIsKept) {
  Write("1/model.onnx", 1);
  ModelLoad load;
  ASSERT_TRUE(LoadModel(ServerInput({{"name", "given"}}), Reader(), &load).ok());
  EXPECT_EQ(load.config.name, "given");
}

}  // namespace
}  // namespace ortbackend
