#include "instance_readiness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::HasSubstr;

InstanceHealth CpuInstance() {
  InstanceHealth h;
  h.instance = "m_0";
  h.has_session = true;
  return h;
}

InstanceHealth GpuInstance(int stream_query, const std::string& text = "") {
  InstanceHealth h = CpuInstance();
  h.gpu = true;
  h.device = 1;
  h.stream_query = stream_query;
  h.stream_error = text;
  return h;
}

TEST(CheckInstanceReady, CpuInstanceWithASessionIsReady) { EXPECT_TRUE(CheckInstanceReady(CpuInstance()).ok()); }

TEST(CheckInstanceReady, InstanceWithoutASessionIsNotReady) {
  InstanceHealth h = CpuInstance();
  h.has_session = false;
  Status s = CheckInstanceReady(h);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("instance 'm_0' is not ready"));
  EXPECT_THAT(s.message(), HasSubstr("no ONNX Runtime session"));
}

TEST(CheckInstanceReady, GpuInstanceWithAnIdleStreamIsReady) { EXPECT_TRUE(CheckInstanceReady(GpuInstance(0)).ok()); }

// cudaErrorNotReady from cudaStreamQuery means "still working", not a fault.
TEST(CheckInstanceReady, GpuInstanceWithABusyStreamIsReady) {
  EXPECT_TRUE(CheckInstanceReady(GpuInstance(kCudaErrorNotReady, "device not ready")).ok());
}

TEST(CheckInstanceReady, GpuInstanceWhoseStreamReportsAnErrorIsNotReady) {
  Status s = CheckInstanceReady(GpuInstance(700, "an illegal memory access was encountered"));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("instance 'm_0' is not ready"));
  EXPECT_THAT(s.message(), HasSubstr("CUDA stream on GPU 1 reports CUDA error 700"));
  EXPECT_THAT(s.message(), HasSubstr("an illegal memory access was encountered"));
  EXPECT_THAT(s.message(), HasSubstr("restart the server"));
}

// A CPU instance has no stream: whatever the field holds does not count.
TEST(CheckInstanceReady, CpuInstanceIgnoresTheStreamField) {
  InstanceHealth h = CpuInstance();
  h.stream_query = 700;
  EXPECT_TRUE(CheckInstanceReady(h).ok());
}

TEST(CheckInstanceReady, GpuInstanceWithoutASessionSaysSoFirst) {
  InstanceHealth h = GpuInstance(700, "x");
  h.has_session = false;
  EXPECT_THAT(CheckInstanceReady(h).message(), HasSubstr("no ONNX Runtime session"));
}

}  // namespace
}  // namespace ortbackend
