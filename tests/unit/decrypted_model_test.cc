#include "load/decrypted_model.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "load/model_byte_source.h"
#include "protobuf_builders.h"

namespace ortbackend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test::Field;
using test::Varint;

std::string External(const std::string& location) {
  return Field(13, Field(1, "location") + Field(2, location)) + Field(13, Field(1, "offset") + Field(2, "0"));
}
// A TensorProto named `name` with its data in `location`.
std::string Tensor(const std::string& name, const std::string& location) {
  return Field(8, name) + External(location) + Varint(14 << 3) + Varint(1);
}

std::vector<std::string> Locations(const std::string& model) {
  std::vector<std::string> out;
  EXPECT_TRUE(ExternalDataLocations(reinterpret_cast<const uint8_t*>(model.data()), model.size(), &out));
  return out;
}

TEST(ExternalDataLocations, FindsInitializersNodeTensorsAndSubgraphsOnceEach) {
  const std::string subgraph = Field(5, Tensor("S", "sub.bin"));
  const std::string node = Field(5, Field(1, "value") + Field(5, Tensor("C", "const.bin"))) +
                           Field(5, Field(1, "body") + Field(6, subgraph));
  const std::string graph =
      Field(5, Tensor("W", "weights.bin")) + Field(1, node) + Field(5, Tensor("V", "weights.bin"));
  const std::string model = Varint(1 << 3) + Varint(8) + Field(7, graph);
  EXPECT_THAT(Locations(model), ElementsAre("weights.bin", "const.bin", "sub.bin"));
}

TEST(ExternalDataLocations, AModelWithoutExternalDataHasNone) {
  EXPECT_TRUE(Locations(Varint(1 << 3) + Varint(8) + Field(7, Field(5, Field(8, "W") + Field(9, "abcd")))).empty());
}

TEST(ExternalDataLocations, RejectsMalformedBytes) {
  std::vector<std::string> out;
  const std::string truncated = Field(7, Field(5, Tensor("W", "weights.bin"))).substr(0, 9);
  EXPECT_FALSE(ExternalDataLocations(reinterpret_cast<const uint8_t*>(truncated.data()), truncated.size(), &out));
}

TEST(RelativeModelPath, IsRelativeToTheVersionDirectory) {
  EXPECT_EQ(RelativeModelPath({"/repo/m/1/model.onnx", false}, "/repo/m/1/model.onnx"), "model.onnx");
  EXPECT_EQ(RelativeModelPath({"/repo/m/1/model.onnx", false}, "/repo/m/1/w.bin"), "w.bin");
  EXPECT_EQ(RelativeModelPath({"/repo/m/1/model.onnx/model.onnx", true}, "/repo/m/1/model.onnx/model.onnx"),
            "model.onnx/model.onnx");
  EXPECT_EQ(RelativeModelPath({"/repo/m/1/model.onnx/model.onnx", true}, "/repo/m/1/model.onnx/data/w.bin"),
            "model.onnx/data/w.bin");
}

TEST(CheckNoArtifacts, RefusesEachArtifactWritingFeatureUnlessAllowed) {
  ModelSettings settings;
  ExecutionProviderSettings providers;
  EXPECT_TRUE(CheckNoArtifacts(settings, providers, false).ok());
  settings.profiling_file_prefix = "/tmp/p";
  settings.session_config_entries.emplace_back("ep.context_enable", "1");
  providers.tensorrt_options.emplace_back("trt_engine_cache_enable", "1");
  providers.tensorrt_options.emplace_back("trt_timing_cache_enable", "0");
  providers.openvino_options.emplace_back("cache_dir", "/cache");
  const Status s = CheckNoArtifacts(settings, providers, false);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("parameter 'profiling_file_prefix', parameter 'ep.context_enable', TensorRT "
                                     "option 'trt_engine_cache_enable', OpenVINO option 'cache_dir'"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("trt_timing_cache_enable")));
  EXPECT_THAT(s.message(), HasSubstr("protected-model-artifacts=allow"));
  EXPECT_TRUE(CheckNoArtifacts(settings, providers, true).ok());
}

}  // namespace
}  // namespace ortbackend
