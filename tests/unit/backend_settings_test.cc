#include "config/backend_settings.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ortbackend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

// The backend config Triton hands over for --backend-config=onnxruntime,KEY=VALUE.
json WithCmdline(const std::string& key, const std::string& value) { return json{{"cmdline", {{key, value}}}}; }

BackendSettings ParseOk(const json& config) {
  BackendSettings s;
  Status status = ParseBackendSettings(config, &s);
  EXPECT_TRUE(status.ok()) << status.message();
  return s;
}

TEST(ParseBackendSettings, EmptyConfigGivesDefaults) {
  BackendSettings s = ParseOk(json::object());
  EXPECT_FALSE(s.enable_global_threadpool);
  EXPECT_EQ(s.global_intra_op_threads, 0);
  EXPECT_EQ(s.global_inter_op_threads, 0);
  EXPECT_EQ(s.default_max_batch_size, 4);
  EXPECT_TRUE(s.unknown_keys.empty());
}

TEST(ParseBackendSettings, NonObjectConfigGivesDefaults) {
  EXPECT_EQ(ParseOk(json()).default_max_batch_size, 4);
  EXPECT_EQ(ParseOk(json::array()).default_max_batch_size, 4);
  EXPECT_EQ(ParseOk(json{{"cmdline", "x"}}).default_max_batch_size, 4);
}

TEST(ParseBackendSettings, ResetsSettingsFromAnEarlierParse) {
  BackendSettings s;
  s.default_max_batch_size = 99;
  s.unknown_keys = {"stale"};
  ASSERT_TRUE(ParseBackendSettings(json::object(), &s).ok());
  EXPECT_EQ(s.default_max_batch_size, 4);
  EXPECT_TRUE(s.unknown_keys.empty());
}

TEST(ParseBackendSettings, ReadsEnableGlobalThreadpool) {
  EXPECT_TRUE(ParseOk(WithCmdline("enable-global-threadpool", "1")).enable_global_threadpool);
  EXPECT_FALSE(ParseOk(WithCmdline("enable-global-threadpool", "0")).enable_global_threadpool);
  EXPECT_TRUE(ParseOk(WithCmdline("enable-global-threadpool", "true")).enable_global_threadpool);
}

TEST(ParseBackendSettings, ReadsGlobalThreadCounts) {
  const json config = {{"cmdline", {{"intra_op_thread_count", "8"}, {"inter_op_thread_count", "2"}}}};
  BackendSettings s = ParseOk(config);
  EXPECT_EQ(s.global_intra_op_threads, 8);
  EXPECT_EQ(s.global_inter_op_threads, 2);
}

TEST(ParseBackendSettings, ReadsDefaultMaxBatchSize) {
  EXPECT_EQ(ParseOk(WithCmdline("default-max-batch-size", "16")).default_max_batch_size, 16);
}

TEST(ParseBackendSettings, DefaultMaxBatchSizeZeroTurnsDefaultBatchingOff) {
  EXPECT_EQ(ParseOk(WithCmdline("default-max-batch-size", "0")).default_max_batch_size, 0);
}

TEST(ParseBackendSettings, AcceptsNumbersGivenAsJsonNumbers) {
  EXPECT_EQ(ParseOk(json{{"cmdline", {{"default-max-batch-size", 8}}}}).default_max_batch_size, 8);
}

TEST(ParseBackendSettings, IgnoresKeysTheServerAddsForEveryBackend) {
  const json config = {{"cmdline",
                        {{"auto-complete-config", "true"},
                         {"backend-directory", "/opt/tritonserver/backends"},
                         {"min-compute-capability", "6.000000"}}}};
  EXPECT_TRUE(ParseOk(config).unknown_keys.empty());
}

TEST(ParseBackendSettings, CollectsUnknownKeysWithoutFailing) {
  const json config = {{"cmdline", {{"default_max_batch_size", "8"}, {"shm-size", "1"}}}};
  BackendSettings s = ParseOk(config);
  EXPECT_THAT(s.unknown_keys, ElementsAre("default_max_batch_size", "shm-size"));
  EXPECT_EQ(s.default_max_batch_size, 4);
}

// --- ep-library ------------------------------------------------------------------------

TEST(ParseBackendSettings, ReadsAnEpLibrary) {
  BackendSettings s = ParseOk(WithCmdline("ep-library", "mul:/opt/eps/libmul.so"));
  ASSERT_EQ(s.ep_libraries.size(), 1u);
  EXPECT_EQ(s.ep_libraries[0].name, "mul");
  EXPECT_EQ(s.ep_libraries[0].path, "/opt/eps/libmul.so");
  EXPECT_THAT(s.ToString(), HasSubstr("ep-library=mul:/opt/eps/libmul.so"));
}

TEST(ParseBackendSettings, ReadsSeveralEpLibrariesSeparatedBySemicolons) {
  BackendSettings s = ParseOk(WithCmdline("ep-library", "a:/x/liba.so;b:/y/libb.so"));
  ASSERT_EQ(s.ep_libraries.size(), 2u);
  EXPECT_EQ(s.ep_libraries[1].name, "b");
  EXPECT_EQ(s.ep_libraries[1].path, "/y/libb.so");
}

TEST(ParseBackendSettings, RejectsAnEpLibraryWithoutName) {
  BackendSettings s;
  Status status = ParseBackendSettings(WithCmdline("ep-library", "/opt/eps/libmul.so"), &s);
  EXPECT_THAT(status.message(), HasSubstr("backend config 'ep-library' has invalid value '/opt/eps/libmul.so'"));
  EXPECT_THAT(status.message(), HasSubstr("NAME:PATH"));
}

TEST(ParseBackendSettings, RejectsOneEpLibraryNameForTwoPaths) {
  BackendSettings s;
  Status status = ParseBackendSettings(WithCmdline("ep-library", "a:/x/liba.so;a:/y/other.so"), &s);
  EXPECT_THAT(status.message(), HasSubstr("registers the name 'a' twice"));
}

struct BadSetting {
  const char* test_name;
  const char* key;
  const char* value;
};

class ParseBackendSettingsRejects : public ::testing::TestWithParam<BadSetting> {};

TEST_P(ParseBackendSettingsRejects, InvalidValueWithMessageNamingKeyAndValue) {
  const BadSetting& p = GetParam();
  BackendSettings s;
  Status status = ParseBackendSettings(WithCmdline(p.key, p.value), &s);
  ASSERT_FALSE(status.ok()) << p.key << "='" << p.value << "' was accepted";
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(std::string("'") + p.key + "'"));
  EXPECT_THAT(status.message(), HasSubstr(std::string("'") + p.value + "'"));
}

const BadSetting kBadSettings[] = {
    {"GlobalThreadpoolWord", "enable-global-threadpool", "yes"},
    {"GlobalThreadpoolNumber", "enable-global-threadpool", "2"},
    {"IntraOpNonNumeric", "intra_op_thread_count", "many"},
    {"IntraOpNegative", "intra_op_thread_count", "-1"},
    {"IntraOpAboveLimit", "intra_op_thread_count", "4097"},
    {"InterOpNonNumeric", "inter_op_thread_count", "x"},
    {"InterOpNegative", "inter_op_thread_count", "-2"},
    {"InterOpAboveLimit", "inter_op_thread_count", "5000"},
    {"DefaultMaxBatchSizeNonNumeric", "default-max-batch-size", "eight"},
    {"DefaultMaxBatchSizeNegative", "default-max-batch-size", "-4"},
    {"DefaultMaxBatchSizeHuge", "default-max-batch-size", "4294967296"},
    {"DefaultMaxBatchSizeEmpty", "default-max-batch-size", ""},
};

INSTANTIATE_TEST_SUITE_P(EveryKey, ParseBackendSettingsRejects, ::testing::ValuesIn(kBadSettings),
                         [](const ::testing::TestParamInfo<BadSetting>& info) { return info.param.test_name; });

TEST(BackendSettings, ToStringNamesEverySetting) {
  BackendSettings s;
  s.enable_global_threadpool = true;
  s.global_intra_op_threads = 3;
  s.global_inter_op_threads = 5;
  s.default_max_batch_size = 7;
  const std::string text = s.ToString();
  EXPECT_THAT(text, HasSubstr("enable-global-threadpool=1"));
  EXPECT_THAT(text, HasSubstr("intra_op_thread_count=3"));
  EXPECT_THAT(text, HasSubstr("inter_op_thread_count=5"));
  EXPECT_THAT(text, HasSubstr("default-max-batch-size=7"));
}

}  // namespace
}  // namespace ortbackend
