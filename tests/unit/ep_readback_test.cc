// Applying execution-provider settings to real ONNX Runtime.
//
// The read-back tests hand our parsed options to ORT's own TensorRT / CUDA
// provider-option parsers and read ORT's rendering back. They skip only where
// the ORT library has no such provider ("not enabled in this build": the
// CPU-only onnxruntime package). With onnxruntime-gpu, ORT must load its
// provider plugins for this, which needs the CUDA and TensorRT libraries: on
// machines without them, ctest runs these tests against the stand-ins built
// from provider_stubs/ (see CMakeLists.txt there).
//
// The *LibrariesMissing tests run where those libraries cannot be found, and
// check the error a user then gets.

#include "ort/execution_providers.h"

#include <dlfcn.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/execution_providers.h"
#include "tensorrt_table_cases.h"

namespace ortbackend {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using json = nlohmann::json;

// ORT's provider options need its default logger, which the environment
// creates; the backend always has one by the time it applies settings.
class OrtEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { env_ = std::make_unique<Ort::Env>(ORT_LOGGING_LEVEL_FATAL, "ep_readback_tests"); }
  void TearDown() override { env_.reset(); }

 private:
  std::unique_ptr<Ort::Env> env_;
};
[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new OrtEnvironment);

// "k1=v1;k2=v2;" -> {k1: v1, k2: v2}
std::map<std::string, std::string> SplitOptions(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ';')) {
    const size_t eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

constexpr char kNotInBuild[] = "the ONNX Runtime library in use has no such provider (CPU-only build)";

// ORT's rendering of `options` as a map, or the error. Tests skip only when
// the error is IsProviderNotInBuild.
StatusOr<std::map<std::string, std::string>> TensorRtReadBack(const ProviderOptionList& options) {
  StatusOr<std::string> text = TensorRtOptionsAsString(options);
  if (!text.ok()) return text.status();
  return SplitOptions(text.value());
}

StatusOr<std::map<std::string, std::string>> CudaReadBack(const ProviderOptionList& options) {
  StatusOr<std::string> text = CudaOptionsAsString(options);
  if (!text.ok()) return text.status();
  return SplitOptions(text.value());
}

ProviderOptionList ParsedTensorRtOptions(const json& parameters) {
  json config = {{"optimization",
                  {{"execution_accelerators",
                    {{"gpu_execution_accelerator", {{{"name", "tensorrt"}, {"parameters", parameters}}}}}}}}};
  ExecutionProviderSettings eps;
  Status s = ParseExecutionProviders(config, ModelSettings(), &eps);
  EXPECT_TRUE(s.ok()) << s.message();
  return eps.tensorrt_options;
}

ProviderOptionList ParsedCudaOptions(const json& parameters, const ModelSettings& settings = ModelSettings()) {
  json config = {{"optimization",
                  {{"execution_accelerators",
                    {{"gpu_execution_accelerator", {{{"name", "cuda"}, {"parameters", parameters}}}}}}}}};
  ExecutionProviderSettings eps;
  Status s = ParseExecutionProviders(config, settings, &eps);
  EXPECT_TRUE(s.ok()) << s.message();
  return eps.cuda_options;
}

// --- TensorRT: every key of the original backend's table reaches ORT ---------------------------

class TensorRtReadback : public ::testing::TestWithParam<TensorRtCase> {};

TEST_P(TensorRtReadback, OrtHoldsTheMappedOption) {
  const TensorRtCase& c = GetParam();
  auto ort = TensorRtReadBack(ParsedTensorRtOptions({{c.key, c.value}}));
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(ort.ok()) << ort.status().message();
  ASSERT_TRUE(ort.value().count(c.ort_key)) << c.ort_key << " missing from ORT's options";
  EXPECT_EQ(ort.value()[c.ort_key], c.expected) << c;
}

INSTANTIATE_TEST_SUITE_P(OriginalReadmeTable, TensorRtReadback, ::testing::ValuesIn(TensorRtTableCases()),
                         [](const auto& info) { return TensorRtCaseName(info.param); });

TEST(TensorRtReadbackMore, WorkspaceDefaultsToOneGib) {
  auto ort = TensorRtReadBack(ParsedTensorRtOptions(json::object()));
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(ort.ok()) << ort.status().message();
  EXPECT_EQ(ort.value()["trt_max_workspace_size"], "1073741824");
  EXPECT_EQ(ort.value()["trt_fp16_enable"], "0");
}

TEST(TensorRtReadbackMore, AllTableKeysAtOnce) {
  json params = json::object();
  for (const TensorRtCase& c : TensorRtTableCases())
    if (c.key != "precision_mode") params[c.key] = c.value;
  params["precision_mode"] = "BF16";
  auto ort = TensorRtReadBack(ParsedTensorRtOptions(params));
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(ort.ok()) << ort.status().message();
  for (const TensorRtCase& c : TensorRtTableCases()) {
    if (c.key == "precision_mode") continue;
    EXPECT_EQ(ort.value()[c.ort_key], c.expected) << c;
  }
  EXPECT_EQ(ort.value()["trt_bf16_enable"], "1");
  EXPECT_EQ(ort.value()["trt_fp16_enable"], "0");
  EXPECT_EQ(ort.value()["trt_int8_enable"], "0");
}

TEST(TensorRtReadbackMore, OrtRejectsAnOptionItDoesNotKnow) {
  auto ort = TensorRtReadBack({{"trt_no_such_option", "1"}});
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_FALSE(ort.ok());
  EXPECT_EQ(ort.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ort.status().message(), HasSubstr("TensorRT execution provider"));
  EXPECT_THAT(ort.status().message(), HasSubstr("trt_no_such_option"));
}

// --- CUDA ---------------------------------------------------------------------------------

struct CudaCase {
  std::string key, value, expected;
};

std::ostream& operator<<(std::ostream& os, const CudaCase& c) { return os << c.key << "=" << c.value; }

// CUDA keys whose values ORT holds and prints back; values differ from ORT's
// defaults. Not here, though ORT accepts them (OrtAcceptsEveryCudaKeyWeAccept):
// enable_cuda_graph and enable_skip_layer_norm_strict_mode, which ORT 1.24
// leaves out of its rendering, and the tunable_op_* keys, which ORT 1.24's
// UpdateCUDAProviderOptions accepts but does not copy into the options
// (they read back as 0).
std::vector<CudaCase> CudaReadbackCases() {
  return {
      {"cudnn_conv_use_max_workspace", "0", "0"},
      {"use_ep_level_unified_stream", "1", "1"},
      {"cudnn_conv_algo_search", "1", "HEURISTIC"},
      {"arena_extend_strategy", "kSameAsRequested", "kSameAsRequested"},
      {"gpu_mem_limit", "4294967200", "4294967200"},
      {"do_copy_in_default_stream", "false", "0"},
      {"cudnn_conv1d_pad_to_nc1d", "true", "1"},
      {"prefer_nhwc", "1", "1"},
      {"use_tf32", "0", "0"},
      {"sdpa_kernel", "2", "2"},
      {"fuse_conv_bias", "1", "1"},
  };
}

class CudaReadback : public ::testing::TestWithParam<CudaCase> {};

TEST_P(CudaReadback, OrtHoldsTheOption) {
  const CudaCase& c = GetParam();
  auto ort = CudaReadBack(ParsedCudaOptions({{c.key, c.value}}));
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(ort.ok()) << ort.status().message();
  ASSERT_TRUE(ort.value().count(c.key)) << c.key << " missing from ORT's options";
  EXPECT_EQ(ort.value()[c.key], c.expected);
}

INSTANTIATE_TEST_SUITE_P(OrtCudaV2, CudaReadback, ::testing::ValuesIn(CudaReadbackCases()),
                         [](const auto& info) { return info.param.key; });

TEST(CudaReadbackMore, OrtAcceptsEveryCudaKeyWeAccept) {
  // A valid value for each key that is not a boolean.
  const std::map<std::string, std::string> sample = {{"arena_extend_strategy", "1"},
                                                     {"cudnn_conv_algo_search", "2"},
                                                     {"gpu_mem_limit", "1024"},
                                                     {"sdpa_kernel", "1"},
                                                     {"tunable_op_max_tuning_duration_ms", "10"}};
  int accepted = 0;
  for (const std::string& key : CudaOptionKeys()) {
    json config = {{"optimization",
                    {{"execution_accelerators",
                      {{"gpu_execution_accelerator",
                        {{{"name", "cuda"}, {"parameters", {{key, sample.count(key) ? sample.at(key) : "1"}}}}}}}}}}};
    ExecutionProviderSettings eps;
    if (!ParseExecutionProviders(config, ModelSettings(), &eps).ok()) continue;  // refused on purpose
    StatusOr<std::string> text = CudaOptionsAsString(eps.cuda_options);
    if (IsProviderNotInBuild(text.status())) GTEST_SKIP() << kNotInBuild;
    EXPECT_TRUE(text.ok()) << key << ": " << text.status().message();
    ++accepted;
  }
  EXPECT_EQ(accepted, 16);  // 22 known keys less device_id and the 5 address/stream keys
}

TEST(CudaReadbackMore, DeprecatedModelParametersReachOrt) {
  ModelSettings settings;
  settings.cudnn_conv_algo_search = 2;
  settings.gpu_mem_limit = 4294967200u;
  settings.arena_extend_strategy = 1;
  settings.do_copy_in_default_stream = false;
  ExecutionProviderSettings eps;
  ASSERT_TRUE(ParseExecutionProviders(json::object(), settings, &eps).ok());
  auto ort = CudaReadBack(eps.cuda_options);
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(ort.ok()) << ort.status().message();
  EXPECT_EQ(ort.value()["cudnn_conv_algo_search"], "DEFAULT");
  EXPECT_EQ(ort.value()["gpu_mem_limit"], "4294967200");
  EXPECT_EQ(ort.value()["arena_extend_strategy"], "kSameAsRequested");
  EXPECT_EQ(ort.value()["do_copy_in_default_stream"], "0");
}

TEST(CudaReadbackMore, OrtRejectsAnOptionItDoesNotKnow) {
  auto ort = CudaReadBack({{"cuda_no_such_option", "1"}});
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_FALSE(ort.ok());
  EXPECT_EQ(ort.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ort.status().message(), HasSubstr("CUDA execution provider"));
  EXPECT_THAT(ort.status().message(), HasSubstr("cuda_no_such_option"));
}

// --- Appending to session options -------------------------------------------------------------

TEST(AppendExecutionProviders, CpuInstanceWithoutAcceleratorsAppendsNothing) {
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(ExecutionProviderSettings(), /*gpu_instance=*/false, 0, &so);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(AppendExecutionProviders, CpuInstanceIgnoresGpuAccelerators) {
  ExecutionProviderSettings eps;
  eps.tensorrt = true;
  eps.cuda = true;
  eps.cuda_options = {{"use_tf32", "0"}};
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/false, 0, &so);
  EXPECT_TRUE(s.ok()) << s.message();
}

#ifndef TRITON_ENABLE_GPU
TEST(AppendExecutionProvidersCpuBuild, GpuInstanceSaysToRebuildWithGpuSupport) {
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(ExecutionProviderSettings(), /*gpu_instance=*/true, 0, &so);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(),
              HasSubstr("this backend was built without GPU support; rebuild with -DTRITON_ENABLE_GPU=ON"));
}

TEST(AppendExecutionProvidersCpuBuild, TensorRtOnGpuInstanceSaysToRebuildWithGpuSupport) {
  ExecutionProviderSettings eps;
  eps.tensorrt = true;
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/true, 0, &so);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("rebuild with -DTRITON_ENABLE_GPU=ON"));
}
#endif

#if defined(TRITON_ENABLE_GPU) && !defined(TRITON_ENABLE_ONNXRUNTIME_TENSORRT)
TEST(AppendExecutionProvidersGpuBuild, TensorRtSaysToRebuildWithTensorRtSupport) {
  ExecutionProviderSettings eps;
  eps.tensorrt = true;
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/true, 0, &so);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("rebuild with -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON"));
}
#endif

#ifndef TRITON_ENABLE_ONNXRUNTIME_OPENVINO
TEST(AppendExecutionProvidersNoOpenVino, OpenVinoSaysToRebuildWithOpenVinoSupport) {
  ExecutionProviderSettings eps;
  eps.openvino = true;
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/false, 0, &so);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("rebuild with -DTRITON_ENABLE_ONNXRUNTIME_OPENVINO=ON"));
}
#endif

#ifdef TRITON_ENABLE_ONNXRUNTIME_OPENVINO
constexpr char kNoOpenVino[] = "the ONNX Runtime library in use has no OpenVINO provider";

TEST(AppendExecutionProvidersOpenVino, CpuInstanceGetsOpenVinoOnTheCpuDevice) {
  ExecutionProviderSettings eps;
  eps.openvino = true;
  eps.openvino_options = {{"device_type", "CPU"}, {"num_of_threads", "2"}, {"enable_qdq_optimizer", "false"}};
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/false, 0, &so);
  if (s.code() == StatusCode::kUnsupported) GTEST_SKIP() << kNoOpenVino << ": " << s.message();
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(AppendExecutionProvidersOpenVino, ARejectedOptionIsReportedWithTheOptions) {
  ExecutionProviderSettings eps;
  eps.openvino = true;
  eps.openvino_options = {{"device_type", "NO_SUCH_DEVICE"}};
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/false, 0, &so);
  if (s.code() == StatusCode::kUnsupported) GTEST_SKIP() << kNoOpenVino << ": " << s.message();
  ASSERT_FALSE(s.ok());
  std::cout << "[ message  ] " << s.message() << "\n";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("OpenVINO execution provider could not be created with device_type=NO_SUCH_DEVICE"));
  EXPECT_THAT(s.message(), HasSubstr("log names the cause"));
}
#endif

#ifdef TRITON_ENABLE_GPU
// ORT checks device_id against the visible GPUs when it parses the options,
// so on a machine without a GPU the instance is refused, naming device_id.
TEST(AppendExecutionProvidersGpuBuild, GpuInstanceGetsCudaOrIsRefusedForLackOfADevice) {
  auto loadable = CudaReadBack({});
  if (IsProviderNotInBuild(loadable.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(loadable.ok()) << loadable.status().message();
  ExecutionProviderSettings eps;
  eps.cuda_options = {{"use_tf32", "0"}};
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/true, 0, &so);
  if (s.ok()) return;  // a GPU is visible
  std::cout << "[ message  ] " << s.message() << "\n";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("CUDA execution provider"));
  EXPECT_THAT(s.message(), HasSubstr("\"device_id\""));
}
#endif

#ifdef TRITON_ENABLE_ONNXRUNTIME_TENSORRT
// TensorRT is set up before CUDA: without a GPU it is TensorRT's options that
// are refused first, naming device_id.
TEST(AppendExecutionProvidersGpuBuild, TensorRtComesBeforeCuda) {
  auto loadable = TensorRtReadBack({});
  if (IsProviderNotInBuild(loadable.status())) GTEST_SKIP() << kNotInBuild;
  ASSERT_TRUE(loadable.ok()) << loadable.status().message();
  ExecutionProviderSettings eps;
  eps.tensorrt = true;
  eps.tensorrt_options = ParsedTensorRtOptions({{"precision_mode", "FP16"}});
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/true, 0, &so);
  if (s.ok()) return;  // a GPU is visible and TensorRT is installed
  std::cout << "[ message  ] " << s.message() << "\n";
  EXPECT_THAT(s.message(), HasSubstr("TensorRT execution provider"));
  EXPECT_THAT(s.message(), HasSubstr("\"device_id\""));
}

// A tensorrt entry without parameters still hands ORT's TensorRT parser the
// instance's device_id: read back where a GPU is visible, and where none is,
// TensorRT's options are refused for naming a device that does not exist.
TEST(AppendExecutionProvidersGpuBuild, TensorRtWithoutParametersGetsTheInstancesDevice) {
  const json config = {
      {"optimization", {{"execution_accelerators", {{"gpu_execution_accelerator", {{{"name", "tensorrt"}}}}}}}}};
  ExecutionProviderSettings eps;
  ASSERT_TRUE(ParseExecutionProviders(config, ModelSettings(), &eps).ok());
  ASSERT_TRUE(eps.tensorrt);
  auto ort = TensorRtReadBack(InstanceProviderOptions(eps.tensorrt_options, 0));
  if (IsProviderNotInBuild(ort.status())) GTEST_SKIP() << kNotInBuild;
  if (ort.ok()) {
    EXPECT_EQ(ort.value()["device_id"], "0");
    return;
  }
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/true, 0, &so);
  ASSERT_FALSE(s.ok()) << "ORT refused device_id 0 when reading back, but not when appending";
  std::cout << "[ message  ] " << s.message() << "\n";
  EXPECT_THAT(s.message(), HasSubstr("TensorRT execution provider"));
  EXPECT_THAT(s.message(), HasSubstr("\"device_id\""));
}
#endif

// --- When the provider's libraries are missing -------------------------------------------------

// True when every library in the comma-separated list can be loaded here.
[[maybe_unused]] bool AllLoadable(const std::string& comma_list) {
  std::stringstream ss(comma_list);
  std::string lib;
  bool any = false;
  while (std::getline(ss, lib, ',')) {
    void* h = dlopen(lib.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (h == nullptr) return false;
    dlclose(h);
    any = true;
  }
  return any;
}

// The libraries ORT's CUDA plugin needs, and those only its TensorRT plugin
// needs, as CMake found them in the plugins ("libcudart.so.12,..."); empty
// where the ORT library has no plugins.
#ifndef EP_TEST_CUDA_LIBRARIES
#define EP_TEST_CUDA_LIBRARIES ""
#endif
#ifndef EP_TEST_TENSORRT_LIBRARIES
#define EP_TEST_TENSORRT_LIBRARIES ""
#endif

TEST(TensorRtLibrariesMissing, AppendSaysTensorRtLibrariesNotFound) {
#ifndef TRITON_ENABLE_ONNXRUNTIME_TENSORRT
  GTEST_SKIP() << "this backend was built without TensorRT support";
#else
  if (AllLoadable(EP_TEST_TENSORRT_LIBRARIES) && AllLoadable(EP_TEST_CUDA_LIBRARIES))
    GTEST_SKIP() << "the TensorRT and CUDA libraries are installed here";
  ExecutionProviderSettings eps;
  eps.tensorrt = true;
  eps.tensorrt_options = ParsedTensorRtOptions({{"precision_mode", "FP16"}});
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, /*gpu_instance=*/true, 0, &so);
  if (IsProviderNotInBuild(s)) GTEST_SKIP() << "the ONNX Runtime library in use has no TensorRT provider";
  ASSERT_FALSE(s.ok());
  std::cout << "[ message  ] " << s.message() << "\n";
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("TensorRT libraries not found"));
  EXPECT_THAT(s.message(), HasSubstr("Failed to load library"));  // ORT's own text follows
  EXPECT_THAT(s.message(), HasSubstr("cannot open shared object file"));
  // With CUDA present, what is missing is TensorRT itself.
  if (AllLoadable(EP_TEST_CUDA_LIBRARIES)) {
    EXPECT_THAT(s.message(), AnyOf(HasSubstr("libnvinfer"), HasSubstr("libnvonnxparser")));
  }
#endif
}

TEST(CudaLibrariesMissing, AppendSaysCudaLibrariesNotFound) {
#ifndef TRITON_ENABLE_GPU
  GTEST_SKIP() << "this backend was built without GPU support";
#else
  if (AllLoadable(EP_TEST_CUDA_LIBRARIES)) GTEST_SKIP() << "the CUDA libraries are installed here";
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(ExecutionProviderSettings(), /*gpu_instance=*/true, 0, &so);
  if (IsProviderNotInBuild(s)) GTEST_SKIP() << "the ONNX Runtime library in use has no CUDA provider";
  ASSERT_FALSE(s.ok());
  std::cout << "[ message  ] " << s.message() << "\n";
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("CUDA libraries not found"));
  EXPECT_THAT(s.message(), HasSubstr("Failed to load library"));
  EXPECT_THAT(s.message(), HasSubstr("cannot open shared object file"));
#endif
}

}  // namespace
}  // namespace ortbackend
