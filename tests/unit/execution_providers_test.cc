#include "config/execution_providers.h"

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tensorrt_table_cases.h"

namespace ortbackend {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;
using json = nlohmann::json;

constexpr char kOneGiB[] = "1073741824";

// optimization { execution_accelerators { <list>: [ { name: N parameters: P } ] } }
json WithAccelerator(const char* list, const std::string& name, const json& parameters = json::object()) {
  json entry = {{"name", name}};
  if (!parameters.empty()) entry["parameters"] = parameters;
  return json{{"optimization", {{"execution_accelerators", {{list, json::array({entry})}}}}}};
}

json Gpu(const std::string& name, const json& parameters = json::object()) {
  return WithAccelerator("gpu_execution_accelerator", name, parameters);
}

json Cpu(const std::string& name, const json& parameters = json::object()) {
  return WithAccelerator("cpu_execution_accelerator", name, parameters);
}

ExecutionProviderSettings ParseOk(const json& config, const ModelSettings& settings = ModelSettings()) {
  ExecutionProviderSettings eps;
  Status status = ParseExecutionProviders(config, settings, &eps);
  EXPECT_TRUE(status.ok()) << status.message();
  return eps;
}

Status ParseError(const json& config, const ModelSettings& settings = ModelSettings()) {
  ExecutionProviderSettings eps;
  Status status = ParseExecutionProviders(config, settings, &eps);
  EXPECT_FALSE(status.ok()) << "expected an error for " << config.dump();
  return status;
}

// --- No accelerators ---------------------------------------------------------------

TEST(ParseExecutionProviders, EmptyConfigAsksForNothing) {
  ExecutionProviderSettings eps = ParseOk(json::object());
  EXPECT_FALSE(eps.tensorrt);
  EXPECT_FALSE(eps.cuda);
  EXPECT_FALSE(eps.openvino);
  EXPECT_THAT(eps.tensorrt_options, IsEmpty());
  EXPECT_THAT(eps.cuda_options, IsEmpty());
  EXPECT_THAT(eps.openvino_options, IsEmpty());
}

TEST(ParseExecutionProviders, EmptyAcceleratorListsAskForNothing) {
  json config = {{"optimization",
                  {{"execution_accelerators",
                    {{"gpu_execution_accelerator", json::array()}, {"cpu_execution_accelerator", json::array()}}}}}};
  ExecutionProviderSettings eps = ParseOk(config);
  EXPECT_FALSE(eps.tensorrt);
  EXPECT_FALSE(eps.cuda);
  EXPECT_FALSE(eps.openvino);
}

TEST(ParseExecutionProviders, ResetsSettingsFromAnEarlierParse) {
  ExecutionProviderSettings eps;
  eps.tensorrt = true;
  eps.cuda_options = {{"use_tf32", "0"}};
  ASSERT_TRUE(ParseExecutionProviders(json::object(), ModelSettings(), &eps).ok());
  EXPECT_FALSE(eps.tensorrt);
  EXPECT_THAT(eps.cuda_options, IsEmpty());
}

// --- TensorRT: the original backend's table, key by key ------------------------------------------

class TensorRtTableKey : public ::testing::TestWithParam<TensorRtCase> {};

TEST_P(TensorRtTableKey, MapsToItsOrtOption) {
  const TensorRtCase& c = GetParam();
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{c.key, c.value}}));
  EXPECT_TRUE(eps.tensorrt);
  EXPECT_THAT(eps.tensorrt_options, Contains(Pair(c.ort_key, c.expected)));
}

INSTANTIATE_TEST_SUITE_P(OriginalReadmeTable, TensorRtTableKey, ::testing::ValuesIn(TensorRtTableCases()),
                         [](const auto& info) { return TensorRtCaseName(info.param); });

TEST(ParseTensorRt, AcceptsEveryKeyOfTheOriginalReadmeTableAndNoOther) {
  EXPECT_THAT(
      TensorRtParameterKeys(),
      ElementsAre("max_workspace_size_bytes", "trt_max_partition_iterations", "trt_min_subgraph_size", "precision_mode",
                  "int8_calibration_table_name", "int8_use_native_calibration_table", "trt_dla_enable", "trt_dla_core",
                  "trt_engine_cache_enable", "trt_engine_cache_path", "trt_engine_cache_prefix", "trt_dump_subgraphs",
                  "trt_force_sequential_engine_build", "trt_context_memory_sharing_enable",
                  "trt_layer_norm_fp32_fallback", "trt_timing_cache_enable", "trt_timing_cache_path",
                  "trt_force_timing_cache", "trt_detailed_build_log", "trt_build_heuristics_enable",
                  "trt_sparsity_enable", "trt_builder_optimization_level", "trt_auxiliary_streams",
                  "trt_tactic_sources", "trt_extra_plugin_lib_paths", "trt_profile_min_shapes",
                  "trt_profile_max_shapes", "trt_profile_opt_shapes", "trt_cuda_graph_enable",
                  "trt_dump_ep_context_model", "trt_ep_context_file_path", "trt_ep_context_embed_mode"));
}

TEST(ParseTensorRt, AllTableKeysTogetherGiveOneOptionEach) {
  json params = json::object();
  for (const TensorRtCase& c : TensorRtTableCases())
    if (c.key != "precision_mode") params[c.key] = c.value;
  params["precision_mode"] = "FP16";
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", params));
  EXPECT_EQ(eps.tensorrt_options.size(), TensorRtTableCases().size() - 2);  // two precision rows unused
}

// --- TensorRT: defaults and precision_mode -------------------------------------------

TEST(ParseTensorRt, WithoutParametersUsesTheOneGibDefaultWorkspace) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt"));
  EXPECT_TRUE(eps.tensorrt);
  EXPECT_THAT(eps.tensorrt_options, ElementsAre(Pair("trt_max_workspace_size", kOneGiB)));
}

TEST(ParseTensorRt, GivenWorkspaceReplacesTheDefault) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{"max_workspace_size_bytes", "2147483648"}}));
  EXPECT_THAT(eps.tensorrt_options, ElementsAre(Pair("trt_max_workspace_size", "2147483648")));
}

TEST(ParseTensorRt, AcceptsAZeroWorkspace) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{"max_workspace_size_bytes", "0"}}));
  EXPECT_THAT(eps.tensorrt_options, ElementsAre(Pair("trt_max_workspace_size", "0")));
}

TEST(ParseTensorRt, PrecisionFp32SetsNoPrecisionFlag) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{"precision_mode", "FP32"}}));
  EXPECT_THAT(eps.tensorrt_options, ElementsAre(Pair("trt_max_workspace_size", kOneGiB)));
}

TEST(ParseTensorRt, PrecisionFp16SetsOnlyTheFp16Flag) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{"precision_mode", "FP16"}}));
  EXPECT_THAT(eps.tensorrt_options, ElementsAre(Pair("trt_fp16_enable", "1"), Pair("trt_max_workspace_size", kOneGiB)));
}

TEST(ParseTensorRt, PrecisionInt8SetsOnlyTheInt8Flag) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{"precision_mode", "INT8"}}));
  EXPECT_THAT(eps.tensorrt_options, Contains(Pair("trt_int8_enable", "1")));
  EXPECT_THAT(eps.tensorrt_options, Not(Contains(Key("trt_fp16_enable"))));
  EXPECT_THAT(eps.tensorrt_options, Not(Contains(Key("trt_bf16_enable"))));
}

TEST(ParseTensorRt, TheOriginalReadmeExampleConfig) {
  ExecutionProviderSettings eps = ParseOk(
      Gpu("tensorrt",
          {{"precision_mode", "FP16"}, {"max_workspace_size_bytes", "1073741824"}, {"trt_engine_cache_enable", "1"}}));
  EXPECT_THAT(eps.tensorrt_options,
              AllOf(Contains(Pair("trt_fp16_enable", "1")), Contains(Pair("trt_max_workspace_size", "1073741824")),
                    Contains(Pair("trt_engine_cache_enable", "1"))));
  EXPECT_EQ(eps.tensorrt_options.size(), 3u);
}

// --- TensorRT: booleans ----------------------------------------------------------------

std::vector<std::string> TensorRtBoolKeys() {
  return {"int8_use_native_calibration_table",
          "trt_dla_enable",
          "trt_engine_cache_enable",
          "trt_dump_subgraphs",
          "trt_force_sequential_engine_build",
          "trt_context_memory_sharing_enable",
          "trt_layer_norm_fp32_fallback",
          "trt_timing_cache_enable",
          "trt_force_timing_cache",
          "trt_detailed_build_log",
          "trt_build_heuristics_enable",
          "trt_sparsity_enable",
          "trt_cuda_graph_enable",
          "trt_dump_ep_context_model"};
}

class TensorRtBoolKey : public ::testing::TestWithParam<std::string> {};

TEST_P(TensorRtBoolKey, NormalizesTheFourSpellingsToOneAndZero) {
  const std::string& key = GetParam();
  const std::string ort_key = key.rfind("trt_", 0) == 0 ? key : "trt_" + key;
  for (const auto& [given, expected] : std::vector<std::pair<std::string, std::string>>{
           {"1", "1"}, {"true", "1"}, {"True", "1"}, {"0", "0"}, {"false", "0"}, {"FALSE", "0"}}) {
    ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{key, given}}));
    EXPECT_THAT(eps.tensorrt_options, Contains(Pair(ort_key, expected))) << key << "=" << given;
  }
}

TEST_P(TensorRtBoolKey, RejectsAnythingElseNamingKeyAndValue) {
  const std::string& key = GetParam();
  for (const char* bad : {"yes", "2", "", "on"}) {
    Status s = ParseError(Gpu("tensorrt", {{key, bad}}));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("TensorRT"));
    EXPECT_THAT(s.message(), HasSubstr("'" + key + "'"));
    EXPECT_THAT(s.message(), HasSubstr("'" + std::string(bad) + "'"));
    EXPECT_THAT(s.message(), HasSubstr("\"1\", \"0\", \"true\" or \"false\""));
  }
}

INSTANTIATE_TEST_SUITE_P(OriginalReadmeTable, TensorRtBoolKey, ::testing::ValuesIn(TensorRtBoolKeys()),
                         [](const auto& info) { return info.param; });

// --- TensorRT: invalid values, key by key ------------------------------------------------

struct InvalidCase {
  std::string key, value, expected_form;
};

std::ostream& operator<<(std::ostream& os, const InvalidCase& c) { return os << c.key << "=" << c.value; }

std::vector<InvalidCase> TensorRtInvalidCases() {
  const std::string bytes = "a byte count from 0 to 18446744073709551615";
  return {
      {"max_workspace_size_bytes", "1GB", bytes},
      {"max_workspace_size_bytes", "-1", bytes},
      {"max_workspace_size_bytes", "1.5", bytes},
      {"max_workspace_size_bytes", "18446744073709551616", bytes},
      {"max_workspace_size_bytes", "", bytes},
      {"trt_max_partition_iterations", "many", "an integer in [1, 2147483647]"},
      {"trt_max_partition_iterations", "0", "an integer in [1, 2147483647]"},
      {"trt_max_partition_iterations", "2147483648", "an integer in [1, 2147483647]"},
      {"trt_min_subgraph_size", "one", "an integer in [1, 2147483647]"},
      {"trt_min_subgraph_size", "0", "an integer in [1, 2147483647]"},
      {"precision_mode", "FP8", "FP32, FP16, BF16 or INT8"},
      {"precision_mode", "fp16", "FP32, FP16, BF16 or INT8"},
      {"precision_mode", "", "FP32, FP16, BF16 or INT8"},
      {"trt_dla_core", "core0", "an integer in [0, 2147483647]"},
      {"trt_dla_core", "-1", "an integer in [0, 2147483647]"},
      {"trt_builder_optimization_level", "6", "an integer in [0, 5]"},
      {"trt_builder_optimization_level", "-1", "an integer in [0, 5]"},
      {"trt_builder_optimization_level", "3.0", "an integer in [0, 5]"},
      {"trt_auxiliary_streams", "-2", "an integer in [-1, 2147483647]"},
      {"trt_auxiliary_streams", "auto", "an integer in [-1, 2147483647]"},
      {"trt_ep_context_embed_mode", "2", "an integer in [0, 1]"},
      {"trt_ep_context_embed_mode", "embed", "an integer in [0, 1]"},
  };
}

class TensorRtInvalidValue : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(TensorRtInvalidValue, IsRejectedNamingKeyValueAndExpectedForm) {
  const InvalidCase& c = GetParam();
  Status s = ParseError(Gpu("tensorrt", {{c.key, c.value}}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("TensorRT accelerator parameter '" + c.key + "'"));
  EXPECT_THAT(s.message(), HasSubstr("invalid value '" + c.value + "'"));
  EXPECT_THAT(s.message(), HasSubstr("expected " + c.expected_form));
}

INSTANTIATE_TEST_SUITE_P(OriginalReadmeTable, TensorRtInvalidValue, ::testing::ValuesIn(TensorRtInvalidCases()));

TEST(ParseTensorRt, RejectsAnUnknownKeyNamingItAndListingTheValidOnes) {
  Status s = ParseError(Gpu("tensorrt", {{"trt_fp16_enable", "1"}}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown TensorRT accelerator parameter 'trt_fp16_enable'"));
  for (const std::string& key : TensorRtParameterKeys()) EXPECT_THAT(s.message(), HasSubstr(key));
}

TEST(ParseTensorRt, RejectsAParameterThatIsNotAString) {
  Status s = ParseError(Gpu("tensorrt", {{"trt_dla_core", 1}}));
  EXPECT_THAT(s.message(), HasSubstr("'trt_dla_core'"));
  EXPECT_THAT(s.message(), HasSubstr("must be a string"));
}

// --- CUDA ------------------------------------------------------------------------------

TEST(ParseCuda, TheOriginalReadmeExampleConfig) {
  ExecutionProviderSettings eps =
      ParseOk(Gpu("cuda", {{"cudnn_conv_use_max_workspace", "0"}, {"use_ep_level_unified_stream", "1"}}));
  EXPECT_TRUE(eps.cuda);
  EXPECT_FALSE(eps.tensorrt);
  EXPECT_THAT(eps.cuda_options,
              ElementsAre(Pair("cudnn_conv_use_max_workspace", "0"), Pair("use_ep_level_unified_stream", "1")));
}

TEST(ParseCuda, WithoutParametersHasNoOptions) {
  ExecutionProviderSettings eps = ParseOk(Gpu("cuda"));
  EXPECT_TRUE(eps.cuda);
  EXPECT_THAT(eps.cuda_options, IsEmpty());
}

class CudaBoolKey : public ::testing::TestWithParam<std::string> {};

TEST_P(CudaBoolKey, NormalizesToOneAndZero) {
  const std::string& key = GetParam();
  EXPECT_THAT(ParseOk(Gpu("cuda", {{key, "true"}})).cuda_options, ElementsAre(Pair(key, "1")));
  EXPECT_THAT(ParseOk(Gpu("cuda", {{key, "0"}})).cuda_options, ElementsAre(Pair(key, "0")));
}

TEST_P(CudaBoolKey, RejectsANonBooleanNamingKeyAndValue) {
  const std::string& key = GetParam();
  Status s = ParseError(Gpu("cuda", {{key, "maybe"}}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("CUDA accelerator parameter '" + key + "' has invalid value 'maybe'"));
}

INSTANTIATE_TEST_SUITE_P(OrtCudaV2, CudaBoolKey,
                         ::testing::Values("cudnn_conv1d_pad_to_nc1d", "cudnn_conv_use_max_workspace",
                                           "do_copy_in_default_stream", "enable_cuda_graph",
                                           "enable_skip_layer_norm_strict_mode", "fuse_conv_bias", "prefer_nhwc",
                                           "tunable_op_enable", "tunable_op_tuning_enable",
                                           "use_ep_level_unified_stream", "use_tf32"),
                         [](const auto& info) { return info.param; });

TEST(ParseCuda, AcceptsCudnnConvAlgoSearchByNameOrIndex) {
  EXPECT_THAT(ParseOk(Gpu("cuda", {{"cudnn_conv_algo_search", "HEURISTIC"}})).cuda_options,
              ElementsAre(Pair("cudnn_conv_algo_search", "HEURISTIC")));
  EXPECT_THAT(ParseOk(Gpu("cuda", {{"cudnn_conv_algo_search", "2"}})).cuda_options,
              ElementsAre(Pair("cudnn_conv_algo_search", "DEFAULT")));
}

TEST(ParseCuda, RejectsAnUnknownCudnnConvAlgoSearchListingTheChoices) {
  Status s = ParseError(Gpu("cuda", {{"cudnn_conv_algo_search", "FASTEST"}}));
  EXPECT_THAT(s.message(), HasSubstr("'cudnn_conv_algo_search' has invalid value 'FASTEST'"));
  EXPECT_THAT(s.message(), HasSubstr("EXHAUSTIVE (0), HEURISTIC (1) or DEFAULT (2)"));
}

TEST(ParseCuda, AcceptsArenaExtendStrategyByNameOrIndex) {
  EXPECT_THAT(ParseOk(Gpu("cuda", {{"arena_extend_strategy", "kSameAsRequested"}})).cuda_options,
              ElementsAre(Pair("arena_extend_strategy", "kSameAsRequested")));
  EXPECT_THAT(ParseOk(Gpu("cuda", {{"arena_extend_strategy", "0"}})).cuda_options,
              ElementsAre(Pair("arena_extend_strategy", "kNextPowerOfTwo")));
}

TEST(ParseCuda, RejectsAnUnknownArenaExtendStrategy) {
  Status s = ParseError(Gpu("cuda", {{"arena_extend_strategy", "2"}}));
  EXPECT_THAT(s.message(), HasSubstr("'arena_extend_strategy' has invalid value '2'"));
  EXPECT_THAT(s.message(), HasSubstr("kNextPowerOfTwo (0) or kSameAsRequested (1)"));
}

TEST(ParseCuda, AcceptsGpuMemLimitUpToSizeMax) {
  EXPECT_THAT(ParseOk(Gpu("cuda", {{"gpu_mem_limit", "18446744073709551615"}})).cuda_options,
              ElementsAre(Pair("gpu_mem_limit", "18446744073709551615")));
}

TEST(ParseCuda, RejectsANegativeGpuMemLimit) {
  Status s = ParseError(Gpu("cuda", {{"gpu_mem_limit", "-5"}}));
  EXPECT_THAT(s.message(), HasSubstr("'gpu_mem_limit' has invalid value '-5': expected a byte count"));
}

TEST(ParseCuda, AcceptsIntegerKeys) {
  EXPECT_THAT(ParseOk(Gpu("cuda", {{"sdpa_kernel", "2"}, {"tunable_op_max_tuning_duration_ms", "50"}})).cuda_options,
              ElementsAre(Pair("sdpa_kernel", "2"), Pair("tunable_op_max_tuning_duration_ms", "50")));
}

TEST(ParseCuda, RejectsANegativeTuningDuration) {
  Status s = ParseError(Gpu("cuda", {{"tunable_op_max_tuning_duration_ms", "-1"}}));
  EXPECT_THAT(s.message(), HasSubstr("'tunable_op_max_tuning_duration_ms' has invalid value '-1'"));
}

TEST(ParseCuda, RejectsAnUnknownKeyNamingItAndListingTheValidOnes) {
  Status s = ParseError(Gpu("cuda", {{"cudnn_benchmark", "1"}}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown CUDA accelerator parameter 'cudnn_benchmark'"));
  EXPECT_THAT(s.message(), HasSubstr("use_ep_level_unified_stream"));
  EXPECT_THAT(s.message(), HasSubstr("cudnn_conv_use_max_workspace"));
}

TEST(ParseCuda, RejectsDeviceIdBecauseTheInstanceChoosesTheGpu) {
  Status s = ParseError(Gpu("cuda", {{"device_id", "1"}}));
  EXPECT_THAT(s.message(), HasSubstr("'device_id'"));
  EXPECT_THAT(s.message(), HasSubstr("instance_group"));
}

TEST(ParseCuda, RejectsKeysThatAreProcessAddresses) {
  for (const char* key :
       {"gpu_external_alloc", "gpu_external_free", "gpu_external_empty_cache", "user_compute_stream"}) {
    Status s = ParseError(Gpu("cuda", {{key, "140000000"}}));
    EXPECT_THAT(s.message(), HasSubstr("'" + std::string(key) + "'"));
    EXPECT_THAT(s.message(), HasSubstr("memory address"));
  }
  EXPECT_THAT(ParseError(Gpu("cuda", {{"has_user_compute_stream", "1"}})).message(), HasSubstr("CUDA stream"));
}

TEST(ParseCuda, KnowsOrtsCudaV2Keys) {
  EXPECT_THAT(
      CudaOptionKeys(),
      ElementsAre("arena_extend_strategy", "cudnn_conv1d_pad_to_nc1d", "cudnn_conv_algo_search",
                  "cudnn_conv_use_max_workspace", "device_id", "do_copy_in_default_stream", "enable_cuda_graph",
                  "enable_skip_layer_norm_strict_mode", "fuse_conv_bias", "gpu_external_alloc",
                  "gpu_external_empty_cache", "gpu_external_free", "gpu_mem_limit", "has_user_compute_stream",
                  "prefer_nhwc", "sdpa_kernel", "tunable_op_enable", "tunable_op_max_tuning_duration_ms",
                  "tunable_op_tuning_enable", "use_ep_level_unified_stream", "use_tf32", "user_compute_stream"));
}

// --- CUDA: the deprecated model parameters ---------------------------------------------

TEST(ParseCudaDeprecated, CudnnConvAlgoSearchIndexesBecomeOrtNames) {
  const char* names[] = {"EXHAUSTIVE", "HEURISTIC", "DEFAULT"};
  for (int i = 0; i < 3; ++i) {
    ModelSettings settings;
    settings.cudnn_conv_algo_search = i;
    EXPECT_THAT(ParseOk(json::object(), settings).cuda_options, ElementsAre(Pair("cudnn_conv_algo_search", names[i])));
  }
}

TEST(ParseCudaDeprecated, GpuMemLimitIsPassedAsDecimalBytes) {
  ModelSettings settings;
  settings.gpu_mem_limit = 4294967200u;
  EXPECT_THAT(ParseOk(json::object(), settings).cuda_options, ElementsAre(Pair("gpu_mem_limit", "4294967200")));
}

TEST(ParseCudaDeprecated, ArenaExtendStrategyIndexesBecomeOrtNames) {
  ModelSettings settings;
  settings.arena_extend_strategy = 0;
  EXPECT_THAT(ParseOk(json::object(), settings).cuda_options,
              ElementsAre(Pair("arena_extend_strategy", "kNextPowerOfTwo")));
  settings.arena_extend_strategy = 1;
  EXPECT_THAT(ParseOk(json::object(), settings).cuda_options,
              ElementsAre(Pair("arena_extend_strategy", "kSameAsRequested")));
}

TEST(ParseCudaDeprecated, DoCopyInDefaultStreamBecomesOneOrZero) {
  ModelSettings settings;
  settings.do_copy_in_default_stream = false;
  EXPECT_THAT(ParseOk(json::object(), settings).cuda_options, ElementsAre(Pair("do_copy_in_default_stream", "0")));
  settings.do_copy_in_default_stream = true;
  EXPECT_THAT(ParseOk(json::object(), settings).cuda_options, ElementsAre(Pair("do_copy_in_default_stream", "1")));
}

TEST(ParseCudaDeprecated, ApplyWithoutACudaAcceleratorEntry) {
  ModelSettings settings;
  settings.gpu_mem_limit = 1024;
  ExecutionProviderSettings eps = ParseOk(json::object(), settings);
  EXPECT_FALSE(eps.cuda);  // nothing was listed; the CUDA EP still uses these on GPU instances
  EXPECT_THAT(eps.cuda_options, ElementsAre(Pair("gpu_mem_limit", "1024")));
}

TEST(ParseCudaDeprecated, AcceleratorParametersWinOverDeprecatedOnes) {
  ModelSettings settings;
  settings.cudnn_conv_algo_search = 0;
  settings.gpu_mem_limit = 1024;
  ExecutionProviderSettings eps =
      ParseOk(Gpu("cuda", {{"cudnn_conv_algo_search", "HEURISTIC"}, {"use_tf32", "0"}}), settings);
  EXPECT_THAT(eps.cuda_options, ElementsAre(Pair("cudnn_conv_algo_search", "HEURISTIC"), Pair("gpu_mem_limit", "1024"),
                                            Pair("use_tf32", "0")));
}

TEST(ParseCudaDeprecated, ApplyAlongsideTensorRt) {
  ModelSettings settings;
  settings.arena_extend_strategy = 1;
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt"), settings);
  EXPECT_TRUE(eps.tensorrt);
  EXPECT_THAT(eps.cuda_options, ElementsAre(Pair("arena_extend_strategy", "kSameAsRequested")));
}

// --- TensorRT and CUDA together -----------------------------------------------------------

TEST(ParseExecutionProviders, TensorRtAndCudaTogether) {
  json config = {{"optimization",
                  {{"execution_accelerators",
                    {{"gpu_execution_accelerator",
                      {{{"name", "tensorrt"}, {"parameters", {{"precision_mode", "FP16"}}}},
                       {{"name", "cuda"}, {"parameters", {{"use_tf32", "0"}}}}}}}}}}};
  ExecutionProviderSettings eps = ParseOk(config);
  EXPECT_TRUE(eps.tensorrt);
  EXPECT_TRUE(eps.cuda);
  EXPECT_THAT(eps.tensorrt_options, Contains(Pair("trt_fp16_enable", "1")));
  EXPECT_THAT(eps.cuda_options, ElementsAre(Pair("use_tf32", "0")));
}

// --- The options one GPU instance hands ORT ------------------------------------------------

// A tensorrt entry without parameters still puts TensorRT on the instance's
// GPU: device_id comes from the instance, not from the entry.
TEST(InstanceProviderOptions, TensorRtWithoutParametersGetsTheInstancesDevice) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt"));
  ASSERT_TRUE(eps.tensorrt);
  EXPECT_THAT(InstanceProviderOptions(eps.tensorrt_options, 3),
              ElementsAre(Pair("device_id", "3"), Pair("trt_max_workspace_size", kOneGiB)));
}

TEST(InstanceProviderOptions, TensorRtWithParametersGetsTheDeviceFirst) {
  ExecutionProviderSettings eps = ParseOk(Gpu("tensorrt", {{"precision_mode", "FP16"}}));
  const ProviderOptionList options = InstanceProviderOptions(eps.tensorrt_options, 1);
  ASSERT_FALSE(options.empty());
  EXPECT_EQ(options.front(), std::make_pair(std::string("device_id"), std::string("1")));
  EXPECT_THAT(options, Contains(Pair("trt_fp16_enable", "1")));
}

TEST(InstanceProviderOptions, CudaWithoutAnEntryGetsTheInstancesDevice) {
  ExecutionProviderSettings eps = ParseOk(json::object());
  EXPECT_THAT(InstanceProviderOptions(eps.cuda_options, 2), ElementsAre(Pair("device_id", "2")));
}

TEST(InstanceProviderOptions, TheInstancesDeviceReplacesAnyOther) {
  EXPECT_THAT(InstanceProviderOptions({{"device_id", "7"}, {"use_tf32", "0"}}, 0),
              ElementsAre(Pair("device_id", "0"), Pair("use_tf32", "0")));
}

TEST(ParseExecutionProviders, RejectsTheSameAcceleratorTwice) {
  json config = {
      {"optimization",
       {{"execution_accelerators", {{"gpu_execution_accelerator", {{{"name", "cuda"}}, {{"name", "cuda"}}}}}}}}};
  Status s = ParseError(config);
  EXPECT_THAT(s.message(), HasSubstr("'cuda' more than once"));
}

// --- OpenVINO ----------------------------------------------------------------------------

TEST(ParseOpenVino, TheOriginalReadmeExampleConfig) {
  ExecutionProviderSettings eps = ParseOk(Cpu("openvino"));
  EXPECT_TRUE(eps.openvino);
  EXPECT_FALSE(eps.tensorrt);
  EXPECT_FALSE(eps.cuda);
  EXPECT_THAT(eps.openvino_options, IsEmpty());
}

TEST(ParseOpenVino, PassesValuesThroughUnchanged) {
  ExecutionProviderSettings eps = ParseOk(
      Cpu("openvino",
          {{"device_type", "CPU"}, {"precision", "FP32"}, {"num_of_threads", "4"}, {"cache_dir", "/tmp/ov_cache"}}));
  EXPECT_THAT(eps.openvino_options,
              AllOf(Contains(Pair("device_type", "CPU")), Contains(Pair("precision", "FP32")),
                    Contains(Pair("num_of_threads", "4")), Contains(Pair("cache_dir", "/tmp/ov_cache"))));
  EXPECT_EQ(eps.openvino_options.size(), 4u);
}

TEST(ParseOpenVino, RejectsAnUnknownKeyNamingItAndListingTheValidOnes) {
  Status s = ParseError(Cpu("openvino", {{"device", "CPU"}}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown OpenVINO accelerator parameter 'device'"));
  EXPECT_THAT(s.message(), HasSubstr("device_type"));
  EXPECT_THAT(s.message(), HasSubstr("num_of_threads"));
}

TEST(ParseOpenVino, NormalizesBooleansToTheWordsOpenVinoParses) {
  ExecutionProviderSettings eps = ParseOk(Cpu("openvino", {{"enable_qdq_optimizer", "1"},
                                                           {"disable_dynamic_shapes", "false"},
                                                           {"enable_opencl_throttling", "TRUE"},
                                                           {"enable_causallm", "0"}}));
  EXPECT_THAT(eps.openvino_options,
              ElementsAre(Pair("disable_dynamic_shapes", "false"), Pair("enable_causallm", "false"),
                          Pair("enable_opencl_throttling", "true"), Pair("enable_qdq_optimizer", "true")));
}

TEST(ParseOpenVino, RejectsANonBooleanNamingKeyAndValue) {
  Status s = ParseError(Cpu("openvino", {{"enable_qdq_optimizer", "yes"}}));
  EXPECT_THAT(s.message(), HasSubstr("OpenVINO accelerator parameter 'enable_qdq_optimizer' has invalid value 'yes'"));
}

TEST(ParseOpenVino, RejectsANonNumericThreadCount) {
  Status s = ParseError(Cpu("openvino", {{"num_of_threads", "four"}}));
  EXPECT_THAT(s.message(),
              HasSubstr("'num_of_threads' has invalid value 'four': expected an integer in [0, 2147483647]"));
  EXPECT_THAT(ParseError(Cpu("openvino", {{"num_streams", "-1"}})).message(), HasSubstr("'num_streams'"));
}

TEST(ParseOpenVino, RejectsTheContextAddress) {
  EXPECT_THAT(ParseError(Cpu("openvino", {{"context", "0x1234"}})).message(), HasSubstr("memory address"));
}

TEST(ParseOpenVino, KnowsOpenVinosKeys) {
  EXPECT_THAT(OpenVinoOptionKeys(), ElementsAre("cache_dir", "context", "device_id", "device_luid", "device_type",
                                                "disable_dynamic_shapes", "enable_causallm", "enable_opencl_throttling",
                                                "enable_qdq_optimizer", "layout", "load_config", "model_priority",
                                                "num_of_threads", "num_streams", "precision", "reshape_input"));
}

// --- Accelerator names and lists -------------------------------------------------------------

TEST(ParseExecutionProviders, AnotherGpuAcceleratorNameIsAPluginEpWithItsParametersInOrder) {
  ExecutionProviderSettings eps = ParseOk(Gpu("NvTensorRTRTXExecutionProvider", {{"b", "2"}, {"a", "1"}}));
  ASSERT_EQ(eps.gpu_plugin_eps.size(), 1u);
  EXPECT_EQ(eps.gpu_plugin_eps[0].name, "NvTensorRTRTXExecutionProvider");
  EXPECT_THAT(eps.gpu_plugin_eps[0].options, ElementsAre(Pair("a", "1"), Pair("b", "2")));  // JSON keeps keys sorted
  EXPECT_TRUE(eps.cpu_plugin_eps.empty());
  EXPECT_FALSE(eps.cuda);
}

TEST(ParseExecutionProviders, AnotherCpuAcceleratorNameIsAPluginEp) {
  ExecutionProviderSettings eps = ParseOk(Cpu("OrtbTestMul", {{"count_file", "/tmp/n"}}));
  ASSERT_EQ(eps.cpu_plugin_eps.size(), 1u);
  EXPECT_EQ(eps.cpu_plugin_eps[0].name, "OrtbTestMul");
  EXPECT_THAT(eps.cpu_plugin_eps[0].options, ElementsAre(Pair("count_file", "/tmp/n")));
  EXPECT_FALSE(eps.openvino);
}

TEST(ParseExecutionProviders, AcceleratorNamesAreCaseSensitive) {
  ExecutionProviderSettings eps = ParseOk(Gpu("TensorRT"));
  EXPECT_FALSE(eps.tensorrt);
  ASSERT_EQ(eps.gpu_plugin_eps.size(), 1u);
  EXPECT_EQ(eps.gpu_plugin_eps[0].name, "TensorRT");
}

TEST(GpuInstanceUsesClassicCuda, UnlessPluginEpsAloneOrThePolicyChoose) {
  EXPECT_TRUE(GpuInstanceUsesClassicCuda(ParseOk(json::object())));
  EXPECT_FALSE(GpuInstanceUsesClassicCuda(ParseOk(Gpu("CudaPluginEp"))));
  json both = Gpu("CudaPluginEp");
  both["optimization"]["execution_accelerators"]["gpu_execution_accelerator"].push_back({{"name", "cuda"}});
  EXPECT_TRUE(GpuInstanceUsesClassicCuda(ParseOk(both)));
  ModelSettings settings;
  settings.ep_selection_policy = EpSelectionPolicy::kPreferGpu;
  EXPECT_FALSE(GpuInstanceUsesClassicCuda(ParseOk(json::object(), settings)));
}

TEST(CudaGraphsEnabled, NotWithoutTheClassicCudaProvider) {
  ModelSettings settings;
  settings.cuda_graphs = true;
  EXPECT_TRUE(CudaGraphsEnabled(ParseOk(json::object(), settings)));
  EXPECT_FALSE(CudaGraphsEnabled(ParseOk(Gpu("CudaPluginEp"), settings)));
}

TEST(ParseExecutionProviders, RejectsDeviceIdForAPluginEp) {
  Status s = ParseError(Gpu("SomeGpuEp", {{"device_id", "1"}}));
  EXPECT_THAT(s.message(), HasSubstr("gpu_execution_accelerator 'SomeGpuEp' parameter 'device_id' is taken from the "
                                     "model instance"));
}

TEST(ParseExecutionProviders, TakesTheSelectionPolicyFromTheSettings) {
  ModelSettings settings;
  settings.ep_selection_policy = EpSelectionPolicy::kPreferCpu;
  EXPECT_EQ(ParseOk(json::object(), settings).selection_policy, EpSelectionPolicy::kPreferCpu);
}

TEST(ParseExecutionProviders, RejectsASelectionPolicyWithAccelerators) {
  ModelSettings settings;
  settings.ep_selection_policy = EpSelectionPolicy::kPreferGpu;
  Status s = ParseError(Cpu("OrtbTestMul"), settings);
  EXPECT_THAT(s.message(), HasSubstr("'ep_selection_policy' (PREFER_GPU)"));
  EXPECT_THAT(s.message(), HasSubstr("keep one of the two"));
}

TEST(ParseExecutionProviders, RejectsOpenVinoInTheGpuList) {
  Status s = ParseError(Gpu("openvino"));
  EXPECT_THAT(s.message(), HasSubstr("'openvino' is a CPU execution accelerator"));
  EXPECT_THAT(s.message(), HasSubstr("cpu_execution_accelerator"));
}

TEST(ParseExecutionProviders, RejectsTensorRtInTheCpuList) {
  Status s = ParseError(Cpu("tensorrt"));
  EXPECT_THAT(s.message(), HasSubstr("'tensorrt' is a GPU execution accelerator"));
  EXPECT_THAT(s.message(), HasSubstr("gpu_execution_accelerator"));
}

TEST(ParseExecutionProviders, RejectsCudaInTheCpuList) {
  EXPECT_THAT(ParseError(Cpu("cuda")).message(), HasSubstr("'cuda' is a GPU execution accelerator"));
}

TEST(ParseExecutionProviders, RejectsAnEntryWithoutAName) {
  json config = {{"optimization",
                  {{"execution_accelerators",
                    {{"gpu_execution_accelerator", {{{"parameters", {{"precision_mode", "FP16"}}}}}}}}}}};
  EXPECT_THAT(ParseError(config).message(), HasSubstr("entry without a name"));
}

TEST(ParseExecutionProviders, RejectsAListThatIsNotAList) {
  json config = {{"optimization", {{"execution_accelerators", {{"gpu_execution_accelerator", "tensorrt"}}}}}};
  EXPECT_THAT(ParseError(config).message(),
              HasSubstr("optimization.execution_accelerators.gpu_execution_accelerator must be a list"));
}

TEST(ParseExecutionProviders, RejectsParametersThatAreNotAMap) {
  json config = {
      {"optimization",
       {{"execution_accelerators",
         {{"gpu_execution_accelerator", {{{"name", "tensorrt"}, {"parameters", json::array({"precision_mode"})}}}}}}}}};
  EXPECT_THAT(ParseError(config).message(), HasSubstr("parameters must be a map of strings"));
}

TEST(ParseExecutionProviders, IgnoresOtherOptimizationSettings) {
  json config = {{"optimization", {{"graph", {{"level", 1}}}, {"priority", "PRIORITY_DEFAULT"}}}};
  ExecutionProviderSettings eps = ParseOk(config);
  EXPECT_FALSE(eps.tensorrt);
  EXPECT_FALSE(eps.openvino);
}

}  // namespace
}  // namespace ortbackend

namespace ortbackend {
namespace {

// --- CUDA graphs ---------------------------------------------------------------------

TEST(CudaGraphs, OptimizationCudaGraphsTurnsOnEnableCudaGraph) {
  ModelSettings settings;
  settings.cuda_graphs = true;
  ExecutionProviderSettings eps = ParseOk(json::object(), settings);
  EXPECT_THAT(eps.cuda_options, Contains(Pair("enable_cuda_graph", "1")));
  EXPECT_TRUE(CudaGraphsEnabled(eps));
}

TEST(CudaGraphs, AcceleratorEnableCudaGraphAloneTurnsThemOn) {
  EXPECT_TRUE(CudaGraphsEnabled(ParseOk(Gpu("cuda", {{"enable_cuda_graph", "true"}}))));
}

TEST(CudaGraphs, AcceleratorsOwnValueWinsOverOptimizationCudaGraphs) {
  ModelSettings settings;
  settings.cuda_graphs = true;
  ExecutionProviderSettings eps = ParseOk(Gpu("cuda", {{"enable_cuda_graph", "0"}}), settings);
  EXPECT_FALSE(CudaGraphsEnabled(eps));
}

TEST(CudaGraphs, OffByDefault) { EXPECT_FALSE(CudaGraphsEnabled(ParseOk(json::object()))); }

}  // namespace
}  // namespace ortbackend
