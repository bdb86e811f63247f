#include "config/model_settings.h"

#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ortbackend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using json = nlohmann::json;

// A model config whose only content is parameters { key: K value: { string_value: V } }.
json WithParameter(const std::string& key, const std::string& value) {
  return json{{"parameters", {{key, {{"string_value", value}}}}}};
}

json WithGraphLevel(const json& level) { return json{{"optimization", {{"graph", {{"level", level}}}}}}; }

ModelSettings ParseOk(const json& config) {
  ModelSettings s;
  Status status = ParseModelSettings(config, &s);
  EXPECT_TRUE(status.ok()) << status.message();
  return s;
}

// --- Defaults ------------------------------------------------------------------

TEST(ParseModelSettings, EmptyConfigGivesDefaults) {
  ModelSettings s = ParseOk(json::object());
  EXPECT_FALSE(s.intra_op_threads.has_value());
  EXPECT_FALSE(s.inter_op_threads.has_value());
  EXPECT_FALSE(s.parallel_execution);
  EXPECT_EQ(s.graph_level, GraphLevel::kAll);
  EXPECT_FALSE(s.enable_mem_arena.has_value());
  EXPECT_FALSE(s.enable_mem_pattern.has_value());
  EXPECT_TRUE(s.arena_shrinkage.empty());
  EXPECT_TRUE(s.session_config_entries.empty());
  EXPECT_FALSE(s.cudnn_conv_algo_search.has_value());
  EXPECT_FALSE(s.gpu_mem_limit.has_value());
  EXPECT_FALSE(s.arena_extend_strategy.has_value());
  EXPECT_FALSE(s.do_copy_in_default_stream.has_value());
  EXPECT_TRUE(s.unknown_keys.empty());
}

TEST(ParseModelSettings, ResetsSettingsFromAnEarlierParse) {
  ModelSettings s;
  s.intra_op_threads = 3;
  s.unknown_keys = {"stale"};
  s.graph_level = GraphLevel::kDisabled;
  ASSERT_TRUE(ParseModelSettings(json::object(), &s).ok());
  EXPECT_FALSE(s.intra_op_threads.has_value());
  EXPECT_TRUE(s.unknown_keys.empty());
  EXPECT_EQ(s.graph_level, GraphLevel::kAll);
}

TEST(ParseModelSettings, AcceptsParameterGivenAsPlainString) {
  ModelSettings s = ParseOk(json{{"parameters", {{"intra_op_thread_count", "2"}}}});
  EXPECT_EQ(s.intra_op_threads, 2);
}

TEST(ParseModelSettings, RejectsParameterWithoutStringValueNamingTheKey) {
  ModelSettings s;
  Status status = ParseModelSettings(json{{"parameters", {{"intra_op_thread_count", 2}}}}, &s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("intra_op_thread_count"));
  EXPECT_THAT(status.message(), HasSubstr("string_value"));
}

// --- Thread counts -------------------------------------------------------------

TEST(ParseModelSettings, BatchesInFlightUnsetByDefault) {
  EXPECT_FALSE(ParseOk(json::object()).batches_in_flight.has_value());
}

TEST(ParseModelSettings, ReadsMaxBatchesInFlight) {
  EXPECT_EQ(ParseOk(WithParameter("max_batches_in_flight", "3")).batches_in_flight, 3);
  EXPECT_EQ(ParseOk(WithParameter("max_batches_in_flight", "1")).batches_in_flight, 1);
}

TEST(ParseModelSettings, RejectsMaxBatchesInFlightOutOfRangeNamingTheKey) {
  for (const char* bad : {"0", "-1", "65", "two", ""}) {
    ModelSettings s;
    Status status = ParseModelSettings(WithParameter("max_batches_in_flight", bad), &s);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_THAT(status.message(), HasSubstr("max_batches_in_flight")) << bad;
  }
}

TEST(ParseModelSettings, ReadsIntraOpThreadCount) {
  EXPECT_EQ(ParseOk(WithParameter("intra_op_thread_count", "4")).intra_op_threads, 4);
}

TEST(ParseModelSettings, IntraOpThreadCountZeroMeansOrtDefaultButIsSet) {
  ModelSettings s = ParseOk(WithParameter("intra_op_thread_count", "0"));
  ASSERT_TRUE(s.intra_op_threads.has_value());
  EXPECT_EQ(*s.intra_op_threads, 0);
}

TEST(ParseModelSettings, AcceptsThreadCountAtTheUpperLimit) {
  EXPECT_EQ(ParseOk(WithParameter("intra_op_thread_count", "4096")).intra_op_threads, 4096);
}

TEST(ParseModelSettings, ReadsInterOpThreadCount) {
  EXPECT_EQ(ParseOk(WithParameter("inter_op_thread_count", "2")).inter_op_threads, 2);
}

// --- Execution mode ------------------------------------------------------------

TEST(ParseModelSettings, ExecutionModeOneIsParallel) {
  EXPECT_TRUE(ParseOk(WithParameter("execution_mode", "1")).parallel_execution);
}

TEST(ParseModelSettings, ExecutionModeZeroIsSequential) {
  EXPECT_FALSE(ParseOk(WithParameter("execution_mode", "0")).parallel_execution);
}

// --- Memory --------------------------------------------------------------------

TEST(ParseModelSettings, ReadsEnableMemArena) {
  EXPECT_EQ(ParseOk(WithParameter("enable_mem_arena", "1")).enable_mem_arena, true);
  EXPECT_EQ(ParseOk(WithParameter("enable_mem_arena", "0")).enable_mem_arena, false);
  EXPECT_EQ(ParseOk(WithParameter("enable_mem_arena", "true")).enable_mem_arena, true);
  EXPECT_EQ(ParseOk(WithParameter("enable_mem_arena", "FALSE")).enable_mem_arena, false);
}

TEST(ParseModelSettings, ReadsEnableMemPattern) {
  EXPECT_EQ(ParseOk(WithParameter("enable_mem_pattern", "1")).enable_mem_pattern, true);
  EXPECT_EQ(ParseOk(WithParameter("enable_mem_pattern", "false")).enable_mem_pattern, false);
}

TEST(ParseModelSettings, ReadsArenaShrinkageBoolAsCpuDevice) {
  EXPECT_EQ(ParseOk(WithParameter("memory.enable_memory_arena_shrinkage", "1")).arena_shrinkage, "cpu:0");
  EXPECT_EQ(ParseOk(WithParameter("memory.enable_memory_arena_shrinkage", "0")).arena_shrinkage, "");
}

// The original backend's README documents this key as ORT's run option, whose value is a device
// list ("cpu:0", "cpu:0;gpu:0"); configs written for the original backend must still load.
TEST(ParseModelSettings, AcceptsArenaShrinkageGivenAsOrtDeviceList) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("memory.enable_memory_arena_shrinkage", "cpu:0"), &s);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(s.arena_shrinkage, "cpu:0");
}

// --- session.* -----------------------------------------------------------------

TEST(ParseModelSettings, PassesSessionKeysThroughAsConfigEntries) {
  ModelSettings s = ParseOk(WithParameter("session.intra_op.allow_spinning", "0"));
  EXPECT_THAT(s.session_config_entries, ElementsAre(Pair("session.intra_op.allow_spinning", "0")));
  EXPECT_TRUE(s.unknown_keys.empty());
}

TEST(ParseModelSettings, PassesEverySessionKeyThrough) {
  const json config = {
      {"parameters", {{"session.a", {{"string_value", "x"}}}, {"session.b", {{"string_value", "y"}}}}}};
  ModelSettings s = ParseOk(config);
  EXPECT_THAT(s.session_config_entries, ElementsAre(Pair("session.a", "x"), Pair("session.b", "y")));
}

TEST(ParseModelSettings, PassesUseDeviceAllocatorForInitializersThrough) {
  ModelSettings s = ParseOk(WithParameter("session.use_device_allocator_for_initializers", "1"));
  EXPECT_THAT(s.session_config_entries, ElementsAre(Pair("session.use_device_allocator_for_initializers", "1")));
  // ORT reads only "1" as on, so "true" must reach it as "1".
  EXPECT_THAT(ParseOk(WithParameter("session.use_device_allocator_for_initializers", "true")).session_config_entries,
              ElementsAre(Pair("session.use_device_allocator_for_initializers", "1")));
}

// --- Deprecated CUDA keys --------------------------------------------------------

TEST(ParseModelSettings, ReadsCudnnConvAlgoSearch) {
  EXPECT_EQ(ParseOk(WithParameter("cudnn_conv_algo_search", "0")).cudnn_conv_algo_search, 0);
  EXPECT_EQ(ParseOk(WithParameter("cudnn_conv_algo_search", "2")).cudnn_conv_algo_search, 2);
}

TEST(ParseModelSettings, ReadsGpuMemLimit) {
  EXPECT_EQ(ParseOk(WithParameter("gpu_mem_limit", "4294967200")).gpu_mem_limit, 4294967200u);
}

// The original backend's README documents "To use all possible memory pass in maximum size_t".
TEST(ParseModelSettings, AcceptsGpuMemLimitOfSizeMax) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("gpu_mem_limit", "18446744073709551615"), &s);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(s.gpu_mem_limit, UINT64_MAX);
}

TEST(ParseModelSettings, ReadsArenaExtendStrategy) {
  EXPECT_EQ(ParseOk(WithParameter("arena_extend_strategy", "1")).arena_extend_strategy, 1);
}

TEST(ParseModelSettings, ReadsDoCopyInDefaultStream) {
  EXPECT_EQ(ParseOk(WithParameter("do_copy_in_default_stream", "0")).do_copy_in_default_stream, false);
  EXPECT_EQ(ParseOk(WithParameter("do_copy_in_default_stream", "1")).do_copy_in_default_stream, true);
}

// --- Unknown keys ----------------------------------------------------------------

TEST(ParseModelSettings, CollectsUnknownKeysWithoutFailing) {
  const json config = {
      {"parameters", {{"intra_op_threads", {{"string_value", "4"}}}, {"my_custom_key", {{"string_value", "x"}}}}}};
  ModelSettings s = ParseOk(config);
  EXPECT_THAT(s.unknown_keys, ElementsAre("intra_op_threads", "my_custom_key"));
  EXPECT_FALSE(s.intra_op_threads.has_value());
}

TEST(ParseModelSettings, KeysAreCaseSensitive) {
  ModelSettings s = ParseOk(WithParameter("Execution_Mode", "1"));
  EXPECT_THAT(s.unknown_keys, ElementsAre("Execution_Mode"));
  EXPECT_FALSE(s.parallel_execution);
}

// --- optimization.graph.level ----------------------------------------------------

TEST(ParseModelSettings, GraphLevelMinusOneIsBasic) {
  EXPECT_EQ(ParseOk(WithGraphLevel(-1)).graph_level, GraphLevel::kBasic);
}

TEST(ParseModelSettings, GraphLevelZeroIsAll) { EXPECT_EQ(ParseOk(WithGraphLevel(0)).graph_level, GraphLevel::kAll); }

TEST(ParseModelSettings, GraphLevelOneIsExtended) {
  EXPECT_EQ(ParseOk(WithGraphLevel(1)).graph_level, GraphLevel::kExtended);
}

TEST(ParseModelSettings, GraphLevelTwoIsDisabled) {
  EXPECT_EQ(ParseOk(WithGraphLevel(2)).graph_level, GraphLevel::kDisabled);
}

TEST(ParseModelSettings, GraphLevelGivenAsStringIsRead) {
  EXPECT_EQ(ParseOk(WithGraphLevel("1")).graph_level, GraphLevel::kExtended);
}

TEST(ParseModelSettings, OptimizationWithoutGraphLevelIsAll) {
  EXPECT_EQ(ParseOk(json{{"optimization", {{"graph", json::object()}}}}).graph_level, GraphLevel::kAll);
  EXPECT_EQ(ParseOk(json{{"optimization", {{"priority", "PRIORITY_MAX"}}}}).graph_level, GraphLevel::kAll);
}

TEST(ParseModelSettings, RejectsUnknownGraphLevelNamingKeyAndValue) {
  for (int level : {3, -2, 100}) {
    ModelSettings s;
    Status status = ParseModelSettings(WithGraphLevel(level), &s);
    ASSERT_FALSE(status.ok()) << level;
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("optimization.graph.level"));
    EXPECT_THAT(status.message(), HasSubstr(std::to_string(level)));
  }
}

TEST(ParseModelSettings, RejectsNonNumericGraphLevelNamingKeyAndValue) {
  ModelSettings s;
  Status status = ParseModelSettings(WithGraphLevel("fast"), &s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("optimization.graph.level"));
  EXPECT_THAT(status.message(), HasSubstr("fast"));
}

// --- Every invalid value of every key --------------------------------------------

struct BadParameter {
  const char* test_name;
  const char* key;
  const char* value;
};

class ParseModelSettingsRejects : public ::testing::TestWithParam<BadParameter> {};

TEST_P(ParseModelSettingsRejects, InvalidValueWithMessageNamingKeyAndValue) {
  const BadParameter& p = GetParam();
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter(p.key, p.value), &s);
  ASSERT_FALSE(status.ok()) << p.key << "='" << p.value << "' was accepted";
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(std::string("'") + p.key + "'"));
  EXPECT_THAT(status.message(), HasSubstr(std::string("'") + p.value + "'"));
}

const BadParameter kBadParameters[] = {
    {"IntraOpNonNumeric", "intra_op_thread_count", "four"},
    {"IntraOpEmpty", "intra_op_thread_count", ""},
    {"IntraOpFraction", "intra_op_thread_count", "1.5"},
    {"IntraOpNegative", "intra_op_thread_count", "-1"},
    {"IntraOpAboveLimit", "intra_op_thread_count", "4097"},
    {"IntraOpBeyondInt64", "intra_op_thread_count", "99999999999999999999"},
    {"IntraOpTrailingJunk", "intra_op_thread_count", "4 threads"},
    {"InterOpNonNumeric", "inter_op_thread_count", "two"},
    {"InterOpNegative", "inter_op_thread_count", "-3"},
    {"InterOpAboveLimit", "inter_op_thread_count", "100000"},
    {"ExecutionModeNonNumeric", "execution_mode", "parallel"},
    {"ExecutionModeNegative", "execution_mode", "-1"},
    {"ExecutionModeAboveRange", "execution_mode", "2"},
    {"EnableMemArenaWord", "enable_mem_arena", "yes"},
    {"EnableMemArenaNumber", "enable_mem_arena", "2"},
    {"EnableMemArenaEmpty", "enable_mem_arena", ""},
    {"EnableMemPatternWord", "enable_mem_pattern", "on"},
    {"EnableMemPatternNumber", "enable_mem_pattern", "-1"},
    {"ArenaShrinkageWord", "memory.enable_memory_arena_shrinkage", "maybe"},
    {"DeviceAllocatorForInitializersWord", "session.use_device_allocator_for_initializers", "yes"},
    {"CudnnConvAlgoSearchName", "cudnn_conv_algo_search", "EXHAUSTIVE"},
    {"CudnnConvAlgoSearchNegative", "cudnn_conv_algo_search", "-1"},
    {"CudnnConvAlgoSearchAboveRange", "cudnn_conv_algo_search", "3"},
    {"GpuMemLimitNonNumeric", "gpu_mem_limit", "4GB"},
    {"GpuMemLimitNegative", "gpu_mem_limit", "-1"},
    {"GpuMemLimitBeyond64Bits", "gpu_mem_limit", "18446744073709551616"},
    {"ArenaExtendStrategyName", "arena_extend_strategy", "kSameAsRequested"},
    {"ArenaExtendStrategyNegative", "arena_extend_strategy", "-1"},
    {"ArenaExtendStrategyAboveRange", "arena_extend_strategy", "2"},
    {"DoCopyInDefaultStreamWord", "do_copy_in_default_stream", "sure"},
    {"DoCopyInDefaultStreamNumber", "do_copy_in_default_stream", "5"},
};

INSTANTIATE_TEST_SUITE_P(EveryKey, ParseModelSettingsRejects, ::testing::ValuesIn(kBadParameters),
                         [](const ::testing::TestParamInfo<BadParameter>& info) { return info.param.test_name; });

TEST(ParseModelSettings, OutOfRangeMessageStatesTheAllowedRange) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("execution_mode", "5"), &s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("[0, 1]"));
}

TEST(ParseModelSettings, InvalidBoolMessageStatesTheAllowedValues) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("enable_mem_arena", "yes"), &s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("true"));
  EXPECT_THAT(status.message(), HasSubstr("false"));
}

}  // namespace
}  // namespace ortbackend

namespace ortbackend {
namespace {

TEST(ParseModelSettings, ReadsCustomOpLibrariesFromModelOperations) {
  ModelSettings s;
  ASSERT_TRUE(
      ParseModelSettings(
          nlohmann::json::parse(R"({"model_operations": {"op_library_filename": ["/a/libops.so", "/b/more.so"]}})"), &s)
          .ok());
  EXPECT_EQ(s.custom_op_libraries, (std::vector<std::string>{"/a/libops.so", "/b/more.so"}));
}

TEST(ParseModelSettings, RejectsNonStringCustomOpLibrary) {
  ModelSettings s;
  Status status =
      ParseModelSettings(nlohmann::json::parse(R"({"model_operations": {"op_library_filename": [7]}})"), &s);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("op_library_filename"), std::string::npos);
}

}  // namespace
}  // namespace ortbackend

namespace ortbackend {
namespace {

json WithCudaGraphs(const json& value) { return json{{"optimization", {{"cuda", {{"graphs", value}}}}}}; }

TEST(ParseModelSettings, CudaGraphsAreOffByDefault) { EXPECT_FALSE(ParseOk(json::object()).cuda_graphs); }

TEST(ParseModelSettings, ReadsOptimizationCudaGraphs) {
  EXPECT_TRUE(ParseOk(WithCudaGraphs(true)).cuda_graphs);
  EXPECT_FALSE(ParseOk(WithCudaGraphs(false)).cuda_graphs);
}

TEST(ParseModelSettings, RejectsCudaGraphsThatIsNotABoolean) {
  ModelSettings s;
  Status status = ParseModelSettings(WithCudaGraphs(7), &s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("optimization.cuda.graphs"));
}

// --- execution_provider_fallback -------------------------------------------------

TEST(ParseModelSettings, ProviderFallbackDefaultsToAllow) {
  EXPECT_EQ(ParseOk(json::object()).provider_fallback, ProviderFallback::kAllow);
}

TEST(ParseModelSettings, ReadsEachProviderFallbackPolicy) {
  EXPECT_EQ(ParseOk(WithParameter("execution_provider_fallback", "allow")).provider_fallback, ProviderFallback::kAllow);
  EXPECT_EQ(ParseOk(WithParameter("execution_provider_fallback", "warn")).provider_fallback, ProviderFallback::kWarn);
  EXPECT_EQ(ParseOk(WithParameter("execution_provider_fallback", "fail")).provider_fallback, ProviderFallback::kFail);
  EXPECT_TRUE(ParseOk(WithParameter("execution_provider_fallback", "fail")).unknown_keys.empty());
}

TEST(ParseModelSettings, RejectsUnknownProviderFallbackNamingTheChoices) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("execution_provider_fallback", "never"), &s);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("'execution_provider_fallback' has invalid value 'never'"));
  EXPECT_THAT(status.message(), HasSubstr("allow, warn or fail"));
}

// --- Plugin EPs ------------------------------------------------------------------

TEST(ParseModelSettings, ReadsEpLibraries) {
  ModelSettings s = ParseOk(WithParameter("ep_library", "mul:/opt/eps/libmul.so;other:/opt/eps/libother.so"));
  ASSERT_EQ(s.ep_libraries.size(), 2u);
  EXPECT_EQ(s.ep_libraries[0].name, "mul");
  EXPECT_EQ(s.ep_libraries[1].path, "/opt/eps/libother.so");
}

TEST(ParseModelSettings, RejectsAnEpLibraryWithoutPath) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("ep_library", "mul:"), &s);
  EXPECT_THAT(status.message(), HasSubstr("parameter 'ep_library' has invalid value 'mul:'"));
}

TEST(ParseModelSettings, ReadsEpSelectionPolicy) {
  EXPECT_EQ(ParseOk(WithParameter("ep_selection_policy", "PREFER_GPU")).ep_selection_policy,
            EpSelectionPolicy::kPreferGpu);
  EXPECT_EQ(ParseOk(WithParameter("ep_selection_policy", "MIN_OVERALL_POWER")).ep_selection_policy,
            EpSelectionPolicy::kMinOverallPower);
  EXPECT_EQ(ParseOk(json::object()).ep_selection_policy, EpSelectionPolicy::kNone);
}

TEST(ParseModelSettings, RejectsAnUnknownEpSelectionPolicyListingTheValidOnes) {
  ModelSettings s;
  Status status = ParseModelSettings(WithParameter("ep_selection_policy", "prefer_gpu"), &s);
  EXPECT_THAT(status.message(), HasSubstr("parameter 'ep_selection_policy' has invalid value 'prefer_gpu'"));
  EXPECT_THAT(status.message(), HasSubstr("PREFER_CPU, PREFER_NPU, PREFER_GPU, MAX_PERFORMANCE, MAX_EFFICIENCY, "
                                          "MIN_OVERALL_POWER"));
}

}  // namespace
}  // namespace ortbackend
