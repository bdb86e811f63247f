#include "tensor/memory_placement.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tensor_builders.h"

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using testing_builders::SpecTensor;

constexpr MemoryLocation kHost{false, 0};
MemoryLocation Gpu(int64_t device) { return MemoryLocation{true, device}; }

// One request per entry of `buffers_per_request`, every buffer at `where`.
ChunkSummary Chunks(std::initializer_list<std::initializer_list<MemoryLocation>> requests, int gpu_device) {
  ChunkSummary s;
  for (const auto& buffers : requests) {
    s.AddRequest();
    for (MemoryLocation where : buffers) s.Add(where, gpu_device);
  }
  return s;
}

// --- Which inputs may reach which instance -------------------------------------------

TEST(CheckInputLocation, HostInputIsAcceptedEverywhere) {
  const TensorSpec t = SpecTensor("IN", TRITONSERVER_TYPE_FP32, {4});
  EXPECT_TRUE(CheckInputLocation("m", t, kHost, -1, false).ok());
  EXPECT_TRUE(CheckInputLocation("m", t, kHost, 0, true).ok());
}

TEST(CheckInputLocation, GpuInputInCpuBuildNamesModelInputAndRebuildOption) {
  Status s = CheckInputLocation("resnet", SpecTensor("IN", TRITONSERVER_TYPE_FP32, {4}), Gpu(0), -1, false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("model 'resnet', input 'IN'"));
  EXPECT_THAT(s.message(), HasSubstr("GPU 0 memory"));
  EXPECT_THAT(s.message(), HasSubstr("-DTRITON_ENABLE_GPU=ON"));
}

TEST(CheckInputLocation, GpuInputOnCpuInstanceOfGpuBuildSaysKindCpu) {
  Status s = CheckInputLocation("m", SpecTensor("IN", TRITONSERVER_TYPE_FP32, {4}), Gpu(1), -1, true);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("KIND_CPU instance"));
}

TEST(CheckInputLocation, GpuInputOnGpuInstanceIsAcceptedWhateverItsDevice) {
  const TensorSpec t = SpecTensor("IN", TRITONSERVER_TYPE_FP32, {4});
  EXPECT_TRUE(CheckInputLocation("m", t, Gpu(0), 0, true).ok());
  EXPECT_TRUE(CheckInputLocation("m", t, Gpu(1), 0, true).ok());  // copied across
}

TEST(CheckInputLocation, BytesInputInGpuMemoryIsRefused) {
  Status s = CheckInputLocation("m", SpecTensor("TEXT", TRITONSERVER_TYPE_BYTES, {1}), Gpu(0), 0, true);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("input 'TEXT'"));
  EXPECT_THAT(s.message(), HasSubstr("BYTES"));
}

// --- How inputs reach ORT ----------------------------------------------------------------

TEST(RouteInput, CpuInstanceWrapsOneBufferOfOneRequest) {
  EXPECT_EQ(RouteInput(Chunks({{kHost}}, -1), -1, false), InputRoute::kWrapHost);
}

TEST(RouteInput, CpuInstanceStagesSplitBuffersAndBatches) {
  EXPECT_EQ(RouteInput(Chunks({{kHost, kHost}}, -1), -1, false), InputRoute::kStageHost);
  EXPECT_EQ(RouteInput(Chunks({{kHost}, {kHost}}, -1), -1, false), InputRoute::kStageHost);
}

TEST(RouteInput, GpuInstanceWrapsHostBufferAndLetsOrtCopyIt) {
  EXPECT_EQ(RouteInput(Chunks({{kHost}}, 0), 0, false), InputRoute::kWrapHost);
}

TEST(RouteInput, GpuInstanceWrapsDeviceBufferOnItsOwnGpu) {
  EXPECT_EQ(RouteInput(Chunks({{Gpu(2)}}, 2), 2, false), InputRoute::kWrapDevice);
}

TEST(RouteInput, GpuInstanceCopiesDeviceBufferFromAnotherGpu) {
  EXPECT_EQ(RouteInput(Chunks({{Gpu(1)}}, 0), 0, false), InputRoute::kStageDevice);
}

TEST(RouteInput, BatchOfDeviceBuffersIsStagedOnTheDevice) {
  EXPECT_EQ(RouteInput(Chunks({{Gpu(0)}, {Gpu(0)}}, 0), 0, false), InputRoute::kStageDevice);
}

TEST(RouteInput, MixedHostAndDeviceBatchIsStagedOnTheDevice) {
  EXPECT_EQ(RouteInput(Chunks({{kHost}, {Gpu(0)}}, 0), 0, false), InputRoute::kStageDevice);
}

TEST(RouteInput, BatchOfHostBuffersOnGpuInstanceIsStagedOnTheHost) {
  EXPECT_EQ(RouteInput(Chunks({{kHost}, {kHost}}, 0), 0, false), InputRoute::kStageHost);
}

TEST(RouteInput, RequestWithoutBuffersBesideAnotherIsNeverWrapped) {
  // Two requests but one buffer in all: wrapping the leader's would be wrong.
  EXPECT_EQ(RouteInput(Chunks({{}, {kHost}}, -1), -1, false), InputRoute::kStageHost);
}

TEST(RouteInput, CudaGraphsAlwaysStageIntoTheirDeviceBuffers) {
  EXPECT_EQ(RouteInput(Chunks({{Gpu(0)}}, 0), 0, true), InputRoute::kStageDevice);
  EXPECT_EQ(RouteInput(Chunks({{kHost}}, 0), 0, true), InputRoute::kStageDevice);
}

// --- How outputs are bound ----------------------------------------------------------------

TEST(RouteBoundOutput, HostBufferIsBoundForAnyInstance) {
  EXPECT_EQ(RouteBoundOutput(kHost, -1), OutputRoute::kBindHost);
  EXPECT_EQ(RouteBoundOutput(kHost, 0), OutputRoute::kBindHost);
}

TEST(RouteBoundOutput, DeviceBufferOnTheInstancesGpuIsBound) {
  EXPECT_EQ(RouteBoundOutput(Gpu(3), 3), OutputRoute::kBindDevice);
}

TEST(RouteBoundOutput, DeviceBufferIsRefusedByCpuInstanceOrOtherGpu) {
  EXPECT_EQ(RouteBoundOutput(Gpu(0), -1), OutputRoute::kReject);
  EXPECT_EQ(RouteBoundOutput(Gpu(1), 0), OutputRoute::kReject);
}

TEST(OutputLocationError, NamesModelOutputAndTheReason) {
  const TensorSpec t = SpecTensor("OUT", TRITONSERVER_TYPE_FP32, {4});
  EXPECT_THAT(OutputLocationError("m", t, Gpu(0), -1, false), HasSubstr("built without GPU support"));
  EXPECT_THAT(OutputLocationError("m", t, Gpu(0), -1, true), HasSubstr("KIND_CPU instance"));
  const std::string other = OutputLocationError("m", t, Gpu(1), 0, true);
  EXPECT_THAT(other, HasSubstr("model 'm', output 'OUT'"));
  EXPECT_THAT(other, HasSubstr("GPU 1 memory"));
  EXPECT_THAT(other, HasSubstr("runs on GPU 0"));
}
}  // namespace
}  // namespace ortbackend
