#include "tensor/tensor_spec.h"

#include <cstring>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "tensor_builders.h"

namespace ortbackend {
namespace {

using testing_builders::Config;
using testing_builders::Tensor;

TEST(BuildExecutionSpec, CopiesModelNameAndMaxBatchSize) {
  ModelConfig config;
  config.name = "resnet";
  config.max_batch_size = 8;
  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});
  EXPECT_EQ(spec.model_name, "resnet");
  EXPECT_EQ(spec.max_batch_size, 8);
  EXPECT_TRUE(spec.batching());
}

TEST(BuildExecutionSpec, MaxBatchSizeZeroIsNotBatching) {
  ExecutionSpec spec = BuildExecutionSpec(ModelConfig{}, ModelIoInfo{});
  EXPECT_FALSE(spec.batching());
}

TEST(BuildExecutionSpec, ResolvesElementSizeAndOrtTypeOfEachTensor) {
  ModelConfig config;
  config.inputs = {Config("half", TRITONSERVER_TYPE_FP16, {2}), Config("text", TRITONSERVER_TYPE_BYTES, {1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP64, {2})};

  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});

  ASSERT_EQ(spec.inputs.size(), 2u);
  EXPECT_EQ(spec.inputs[0].element_size, 2u);
  EXPECT_EQ(spec.inputs[0].ort_type, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16);
  EXPECT_FALSE(spec.inputs[0].is_bytes());
  EXPECT_EQ(spec.inputs[1].element_size, 0u);
  EXPECT_EQ(spec.inputs[1].ort_type, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  EXPECT_TRUE(spec.inputs[1].is_bytes());
  ASSERT_EQ(spec.outputs.size(), 1u);
  EXPECT_EQ(spec.outputs[0].element_size, 8u);
  EXPECT_EQ(spec.outputs[0].ort_type, ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE);
}

// Triton applies a config reshape before inputs reach the backend, so the
// spec holds the dims the model sees.
TEST(BuildExecutionSpec, UsesTheReshapedDims) {
  ModelConfig config;
  TensorConfig c = Config("x", TRITONSERVER_TYPE_FP32, {6});
  c.has_reshape = true;
  c.reshape = {2, 3};
  config.inputs = {c};

  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});

  ASSERT_EQ(spec.inputs.size(), 1u);
  EXPECT_EQ(spec.inputs[0].dims, (Shape{2, 3}));
}

TEST(BuildExecutionSpec, CopiesOptional) {
  ModelConfig config;
  TensorConfig c = Config("mask", TRITONSERVER_TYPE_BOOL, {4});
  c.optional = true;
  config.inputs = {c, Config("x", TRITONSERVER_TYPE_FP32, {4})};

  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});

  EXPECT_TRUE(spec.inputs[0].optional);
  EXPECT_FALSE(spec.inputs[1].optional);
}

TEST(BuildExecutionSpec, RefinesWildcardConfigDimsFromFixedModelDims) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 3, -1})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {-1, -1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{3, -1}));
}

TEST(BuildExecutionSpec, RefinesTheFirstDimOfANonBatchingModel) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {2, 4})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {-1, 4})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{2, 4}));
}

TEST(BuildExecutionSpec, RefinesOutputsToo) {
  ModelIoInfo io;
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {-1, 10})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {-1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.outputs[0].dims, (Shape{10}));
}

TEST(BuildExecutionSpec, KeepsAFixedConfigDimWhereTheModelIsDynamic) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, -1})};
  ModelConfig config;
  config.max_batch_size = 4;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {16})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{16}));
}

TEST(BuildExecutionSpec, RefinesReshapedDimsFromTheModel) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {-1, 2, 5})};
  ModelConfig config;
  config.max_batch_size = 4;
  TensorConfig c = Config("x", TRITONSERVER_TYPE_FP32, {-1});
  c.has_reshape = true;
  c.reshape = {2, -1};
  config.inputs = {c};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{2, 5}));
}

TEST(BuildExecutionSpec, MarksANonBatchingScalarListedAsDimsOneAsImplicitScalar) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {})};
  ModelConfig config;
  config.inputs = {Config("scale", TRITONSERVER_TYPE_FP32, {1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_TRUE(spec.inputs[0].implicit_scalar);
  EXPECT_EQ(spec.inputs[0].dims, Shape{1}) << "requests use the config's shape; the model sees rank 0";
  EXPECT_TRUE(spec.outputs[0].implicit_scalar);
  EXPECT_EQ(spec.outputs[0].dims, Shape{1});
}

TEST(BuildExecutionSpec, KeepsAnAllOnesConfigShapeOfAScalar) {
  ModelIoInfo io;
  io.inputs = {Tensor("scale", TRITONSERVER_TYPE_FP32, {})};
  io.outputs = {Tensor("y", TRITONSERVER_TYPE_FP32, {})};
  ModelConfig config;
  config.inputs = {Config("scale", TRITONSERVER_TYPE_FP32, {1, 1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {1, 1, 1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_TRUE(spec.inputs[0].implicit_scalar);
  EXPECT_EQ(spec.inputs[0].dims, (Shape{1, 1}));
  EXPECT_TRUE(spec.outputs[0].implicit_scalar);
  EXPECT_EQ(spec.outputs[0].dims, (Shape{1, 1, 1}));
}

TEST(BuildExecutionSpec, OrdinaryTensorsAreNotImplicitScalars) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {1})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_FALSE(spec.inputs[0].implicit_scalar);
  EXPECT_EQ(spec.inputs[0].dims, (Shape{1}));
}

TEST(BuildExecutionSpec, BatchDimOnlyTensorHasNoPerItemDims) {
  ModelIoInfo io;
  io.inputs = {Tensor("length", TRITONSERVER_TYPE_INT64, {-1})};
  ModelConfig config;
  config.max_batch_size = 4;
  TensorConfig c = Config("length", TRITONSERVER_TYPE_INT64, {1});
  c.has_reshape = true;  // reshape { shape: [] }
  config.inputs = {c};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_FALSE(spec.inputs[0].implicit_scalar);
  EXPECT_TRUE(spec.inputs[0].dims.empty());
}

TEST(BuildExecutionSpec, DoesNotRefineWhenTheRanksDiffer) {
  ModelIoInfo io;
  io.inputs = {Tensor("x", TRITONSERVER_TYPE_FP32, {3, 4, 5})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {-1, -1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{-1, -1}));
}

TEST(BuildExecutionSpec, KeepsConfigDimsOfATensorTheModelDoesNotHave) {
  ModelIoInfo io;
  io.inputs = {Tensor("other", TRITONSERVER_TYPE_FP32, {3})};
  ModelConfig config;
  config.inputs = {Config("x", TRITONSERVER_TYPE_FP32, {-1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{-1}));
}

TEST(BuildExecutionSpec, MatchesInputsByNameNotPosition) {
  ModelIoInfo io;
  io.inputs = {Tensor("a", TRITONSERVER_TYPE_FP32, {7}), Tensor("b", TRITONSERVER_TYPE_FP32, {9})};
  ModelConfig config;
  config.inputs = {Config("b", TRITONSERVER_TYPE_FP32, {-1}), Config("a", TRITONSERVER_TYPE_FP32, {-1})};

  ExecutionSpec spec = BuildExecutionSpec(config, io);

  EXPECT_EQ(spec.inputs[0].dims, (Shape{9}));
  EXPECT_EQ(spec.inputs[1].dims, (Shape{7}));
}

TEST(ExecutionSpec, FindsInputsAndOutputsByName) {
  ModelConfig config;
  config.inputs = {Config("a", TRITONSERVER_TYPE_FP32, {1}), Config("b", TRITONSERVER_TYPE_FP32, {1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {1}), Config("z", TRITONSERVER_TYPE_FP32, {1})};

  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});

  EXPECT_EQ(spec.FindInput("a"), 0);
  EXPECT_EQ(spec.FindInput("b"), 1);
  EXPECT_EQ(spec.FindOutput("y"), 0);
  EXPECT_EQ(spec.FindOutput("z"), 1);
}

TEST(ExecutionSpec, FindReturnsMinusOneForUnknownNames) {
  ModelConfig config;
  config.inputs = {Config("a", TRITONSERVER_TYPE_FP32, {1})};
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {1})};

  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});

  EXPECT_EQ(spec.FindInput("y"), -1) << "an output is not an input";
  EXPECT_EQ(spec.FindOutput("a"), -1);
  EXPECT_EQ(spec.FindInput("A"), -1);
  EXPECT_EQ(spec.FindInput(""), -1);
}

TEST(ExecutionSpec, OutputNamesListTheOutputsInOrder) {
  ModelConfig config;
  config.outputs = {Config("logits", TRITONSERVER_TYPE_FP32, {1}), Config("probs", TRITONSERVER_TYPE_FP32, {1})};

  ExecutionSpec spec = BuildExecutionSpec(config, ModelIoInfo{});

  ASSERT_EQ(spec.output_names.size(), 2u);
  EXPECT_STREQ(spec.output_names[0], "logits");
  EXPECT_STREQ(spec.output_names[1], "probs");
  EXPECT_EQ(spec.output_names[0], spec.outputs[0].name.c_str()) << "the names point into the specs";
}

TEST(ExecutionSpec, OutputNamesStayValidWhenTheSpecIsMoved) {
  ModelConfig config;
  config.outputs = {Config("y", TRITONSERVER_TYPE_FP32, {1}), Config("z", TRITONSERVER_TYPE_FP32, {1})};
  ExecutionSpec built = BuildExecutionSpec(config, ModelIoInfo{});

  ExecutionSpec moved = std::move(built);

  ASSERT_EQ(moved.output_names.size(), 2u);
  EXPECT_EQ(moved.output_names[0], moved.outputs[0].name.c_str());
  EXPECT_EQ(moved.output_names[1], moved.outputs[1].name.c_str());
}

}  // namespace
}  // namespace ortbackend
