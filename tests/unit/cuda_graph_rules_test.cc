// CUDA graphs' rules: which models they refuse at load, which graph a run uses.

#include "tensor/cuda_graph_rules.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tensor_builders.h"

#include "common/data_type.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using testing_builders::SpecTensor;

ExecutionSpec FixedSpec(int64_t max_batch) {
  ExecutionSpec spec;
  spec.model_name = "conv";
  spec.max_batch_size = max_batch;
  spec.inputs.push_back(SpecTensor("IN", TRITONSERVER_TYPE_FP32, {3, 8, 8}));
  TensorSpec out = SpecTensor("OUT", TRITONSERVER_TYPE_FP32, {10});
  out.shape_recipe = {DimSource{DimSource::kBatch}, DimSource{DimSource::kFixed, 10}};
  spec.outputs.push_back(out);
  return spec;
}

TEST(CheckCudaGraphShapes, AcceptsFixedShapesWithAVariableBatch) {
  EXPECT_TRUE(CheckCudaGraphShapes(FixedSpec(32)).ok());
}

TEST(CheckCudaGraphShapes, RejectsVariableInputDimNamingIt) {
  ExecutionSpec spec = FixedSpec(32);
  spec.inputs[0].dims = {3, -1, 8};
  Status s = CheckCudaGraphShapes(spec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("CUDA graphs"));
  EXPECT_THAT(s.message(), HasSubstr("input 'IN'"));
  EXPECT_THAT(s.message(), HasSubstr("[3,-1,8]"));
}

TEST(CheckCudaGraphShapes, RejectsOutputWhoseShapeIsOnlyKnownAfterTheRun) {
  ExecutionSpec spec = FixedSpec(32);
  spec.outputs[0].shape_recipe.clear();
  Status s = CheckCudaGraphShapes(spec);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("output 'OUT'"));
}

TEST(CheckCudaGraphShapes, RejectsBatchInputsWhoseShapeFollowsTheBatch) {
  ExecutionSpec spec = FixedSpec(32);
  BatchInputSpec index;
  index.target = "INDEX";
  spec.batch_inputs.push_back(index);
  Status s = CheckCudaGraphShapes(spec);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("batch_input 'INDEX'"));
}

TEST(CheckCudaGraphShapes, RejectsBytesTensors) {
  ExecutionSpec spec = FixedSpec(0);
  spec.inputs[0] = SpecTensor("TEXT", TRITONSERVER_TYPE_BYTES, {1});
  EXPECT_FALSE(CheckCudaGraphShapes(spec).ok());
}

TEST(CudaGraphId, OneGraphPerBatchSizeWhenBatching) {
  EXPECT_EQ(CudaGraphId(FixedSpec(32), 32, true), 32);
  EXPECT_EQ(CudaGraphId(FixedSpec(32), 1, true), 1);
}

TEST(CudaGraphId, OneGraphWithoutBatchingAndNeverTheReservedZero) { EXPECT_EQ(CudaGraphId(FixedSpec(0), 1, true), 1); }

TEST(CudaGraphId, NoGraphWhenAnOptionalInputIsAbsent) { EXPECT_EQ(CudaGraphId(FixedSpec(8), 4, false), -1); }

}  // namespace
}  // namespace ortbackend
