#include "config/decryptor_settings.h"

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/backend_settings.h"

namespace ortbackend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Entries = std::vector<std::pair<std::string, std::string>>;

DecryptorSettings ParseOk(const Entries& entries) {
  DecryptorSettings s;
  Status status = ParseDecryptorSettings(entries, &s);
  EXPECT_TRUE(status.ok()) << status.message();
  return s;
}

std::string ParseError(const Entries& entries) {
  DecryptorSettings s;
  Status status = ParseDecryptorSettings(entries, &s);
  EXPECT_FALSE(status.ok());
  return status.message();
}

TEST(ParseDecryptorSettings, ReadsTheColonSpelling) {
  DecryptorSettings s = ParseOk({{"decryptor", "aes:/opt/lib/libaes.so"}, {"decryptor-option", "aes:key-file=/k"}});
  ASSERT_EQ(s.decryptors.size(), 1u);
  EXPECT_EQ(s.decryptors[0].name, "aes");
  EXPECT_EQ(s.decryptors[0].library, "/opt/lib/libaes.so");
  EXPECT_THAT(s.decryptors[0].options, ElementsAre("key-file=/k"));
  EXPECT_FALSE(s.allow_artifacts);
}

TEST(ParseDecryptorSettings, ReadsTheDottedSpellingForSeveralDecryptorsAndOptions) {
  DecryptorSettings s = ParseOk({{"decryptor-option.old.key-file", "/keys/old"},
                                 {"decryptor.new", "/lib/a.so"},
                                 {"decryptor.old", "/lib/a.so"},
                                 {"decryptor-option.new.key-env", "NEW_KEY"},
                                 {"decryptor-option.new.extra", "a=b"}});
  ASSERT_EQ(s.decryptors.size(), 2u);
  EXPECT_EQ(s.decryptors[0].name, "new");
  EXPECT_THAT(s.decryptors[0].options, ElementsAre("key-env=NEW_KEY", "extra=a=b"));
  EXPECT_EQ(s.decryptors[1].name, "old");
  EXPECT_THAT(s.decryptors[1].options, ElementsAre("key-file=/keys/old"));
}

TEST(ParseDecryptorSettings, ReadsTheArtifactsOptIn) {
  EXPECT_TRUE(ParseOk({{"protected-model-artifacts", "allow"}}).allow_artifacts);
  EXPECT_FALSE(ParseOk({{"protected-model-artifacts", "refuse"}}).allow_artifacts);
  EXPECT_THAT(ParseError({{"protected-model-artifacts", "yes"}}), HasSubstr("allow or refuse"));
}

TEST(ParseDecryptorSettings, RejectsMalformedValuesNamingKeyAndValue) {
  EXPECT_THAT(ParseError({{"decryptor", "/lib/a.so"}}), HasSubstr("'decryptor' has invalid value '/lib/a.so'"));
  EXPECT_THAT(ParseError({{"decryptor", "aes:"}}), HasSubstr("NAME:PATH"));
  EXPECT_THAT(ParseError({{"decryptor", "a b:/x.so"}}), HasSubstr("letters, digits"));
  EXPECT_THAT(ParseError({{"decryptor.", "/x.so"}}), HasSubstr("decryptor.NAME"));
  EXPECT_THAT(ParseError({{"decryptor", "aes:/x.so"}, {"decryptor-option", "aes:key-file"}}),
              HasSubstr("NAME:KEY=VALUE"));
  EXPECT_THAT(ParseError({{"decryptor.aes", "/x.so"}, {"decryptor-option.aes", "/k"}}),
              HasSubstr("decryptor-option.NAME.KEY"));
}

TEST(ParseDecryptorSettings, RejectsANameRegisteredTwice) {
  EXPECT_THAT(ParseError({{"decryptor", "aes:/a.so"}, {"decryptor.aes", "/b.so"}}),
              HasSubstr("the name 'aes' is registered twice (to /a.so and /b.so)"));
}

TEST(ParseDecryptorSettings, RejectsAnOptionForAnUnregisteredName) {
  EXPECT_THAT(ParseError({{"decryptor-option", "aes:key-file=/k"}}),
              HasSubstr("an option for the decryptor 'aes' (key-file), which no 'decryptor=aes:PATH'"));
}

TEST(ParseBackendSettings, KnowsTheDecryptorKeysAndLogsNoOptions) {
  BackendSettings s;
  nlohmann::json config = {{"cmdline",
                            {{"decryptor", "aes:/lib/a.so"},
                             {"decryptor-option", "aes:key-file=/secret/path"},
                             {"decryptor.next", "/lib/b.so"}}}};
  ASSERT_TRUE(ParseBackendSettings(config, &s).ok());
  EXPECT_TRUE(s.unknown_keys.empty());
  ASSERT_EQ(s.protection.decryptors.size(), 2u);
  EXPECT_THAT(s.ToString(), HasSubstr("decryptors=aes:/lib/a.so,next:/lib/b.so"));
  EXPECT_THAT(s.ToString(), ::testing::Not(HasSubstr("/secret/path")));
}

}  // namespace
}  // namespace ortbackend
