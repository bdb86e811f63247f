#include "config/json_read.h"

#include <cstdint>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ortbackend {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// --- ParseInt64 --------------------------------------------------------------

TEST(ParseInt64, ParsesPositiveNegativeAndZero) {
  int64_t v = 0;
  ASSERT_TRUE(ParseInt64("42", &v));
  EXPECT_EQ(v, 42);
  ASSERT_TRUE(ParseInt64("-17", &v));
  EXPECT_EQ(v, -17);
  ASSERT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
}

TEST(ParseInt64, ParsesTheInt64Limits) {
  int64_t v = 0;
  ASSERT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, kInt64Max);
  ASSERT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, kInt64Min);
}

TEST(ParseInt64, RejectsValuesBeyondInt64) {
  int64_t v = 5;
  EXPECT_FALSE(ParseInt64("9223372036854775808", &v));
  EXPECT_FALSE(ParseInt64("-9223372036854775809", &v));
  EXPECT_FALSE(ParseInt64("99999999999999999999999", &v));
  EXPECT_EQ(v, 5) << "the output must be left alone on failure";
}

TEST(ParseInt64, RejectsEmptyString) {
  int64_t v = 0;
  EXPECT_FALSE(ParseInt64("", &v));
}

TEST(ParseInt64, RejectsLeadingWhitespace) {
  int64_t v = 0;
  EXPECT_FALSE(ParseInt64(" 4", &v));
  EXPECT_FALSE(ParseInt64("\t4", &v));
}

TEST(ParseInt64, RejectsTrailingJunk) {
  int64_t v = 0;
  EXPECT_FALSE(ParseInt64("4 ", &v));
  EXPECT_FALSE(ParseInt64("4x", &v));
  EXPECT_FALSE(ParseInt64("4.0", &v));
  EXPECT_FALSE(ParseInt64("1e3", &v));
}

TEST(ParseInt64, RejectsNonNumbers) {
  int64_t v = 0;
  EXPECT_FALSE(ParseInt64("abc", &v));
  EXPECT_FALSE(ParseInt64("-", &v));
  EXPECT_FALSE(ParseInt64("0x10", &v));
}

// --- ParseBool ---------------------------------------------------------------

TEST(ParseBool, AcceptsOneAndTrueInAnyCase) {
  for (const char* s : {"1", "true", "TRUE", "True", "tRuE"}) {
    bool b = false;
    ASSERT_TRUE(ParseBool(s, &b)) << s;
    EXPECT_TRUE(b) << s;
  }
}

TEST(ParseBool, AcceptsZeroAndFalseInAnyCase) {
  for (const char* s : {"0", "false", "FALSE", "False"}) {
    bool b = true;
    ASSERT_TRUE(ParseBool(s, &b)) << s;
    EXPECT_FALSE(b) << s;
  }
}

TEST(ParseBool, RejectsAnythingElse) {
  for (const char* s : {"", "yes", "no", "on", "2", "-1", " 1", "1 ", "t"}) {
    bool b = true;
    EXPECT_FALSE(ParseBool(s, &b)) << "'" << s << "'";
    EXPECT_TRUE(b) << "the output must be left alone on failure";
  }
}

// --- ReadInt64 ---------------------------------------------------------------

TEST(ReadInt64, ReadsJsonNumber) {
  int64_t v = 0;
  ASSERT_TRUE(ReadInt64(json(8), "max_batch_size", &v).ok());
  EXPECT_EQ(v, 8);
  ASSERT_TRUE(ReadInt64(json(-1), "dim", &v).ok());
  EXPECT_EQ(v, -1);
}

TEST(ReadInt64, ReadsDecimalString) {
  int64_t v = 0;
  ASSERT_TRUE(ReadInt64(json("1024"), "dim", &v).ok());
  EXPECT_EQ(v, 1024);
}

TEST(ReadInt64, ReadsInt64LimitsAsNumbers) {
  int64_t v = 0;
  ASSERT_TRUE(ReadInt64(json(kInt64Max), "dim", &v).ok());
  EXPECT_EQ(v, kInt64Max);
  ASSERT_TRUE(ReadInt64(json(kInt64Min), "dim", &v).ok());
  EXPECT_EQ(v, kInt64Min);
}

TEST(ReadInt64, RejectsNonNumericStringNamingWhatAndValue) {
  int64_t v = 0;
  Status s = ReadInt64(json("eight"), "max_batch_size", &v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("max_batch_size"));
  EXPECT_THAT(s.message(), HasSubstr("eight"));
}

TEST(ReadInt64, RejectsFloatingPointNumber) {
  int64_t v = 0;
  Status s = ReadInt64(json(2.5), "max_batch_size", &v);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("2.5"));
}

TEST(ReadInt64, RejectsBoolNullArrayAndObject) {
  int64_t v = 0;
  for (const json& j : {json(true), json(nullptr), json::array({1}), json::object({{"a", 1}})}) {
    EXPECT_FALSE(ReadInt64(j, "dim", &v).ok()) << j.dump();
  }
}

TEST(ReadInt64, RejectsStringBeyondInt64) {
  int64_t v = 0;
  EXPECT_FALSE(ReadInt64(json("9223372036854775808"), "dim", &v).ok());
}

// nlohmann stores a JSON number above INT64_MAX as unsigned; reading it as
// int64 must not wrap it around to a negative value (2^64-1 would become -1,
// i.e. a wildcard dim).
TEST(ReadInt64, RejectsJsonNumberAboveInt64Max) {
  int64_t v = 0;
  const json big = json::parse("18446744073709551615");
  Status s = ReadInt64(big, "dim", &v);
  EXPECT_FALSE(s.ok()) << "read as " << v;
  const json just_above = json::parse("9223372036854775808");
  EXPECT_FALSE(ReadInt64(just_above, "dim", &v).ok()) << "read as " << v;
}

// --- StringMember ------------------------------------------------------------

TEST(StringMember, ReturnsTheStringValue) { EXPECT_EQ(StringMember(json{{"name", "resnet"}}, "name"), "resnet"); }

TEST(StringMember, ReturnsEmptyWhenAbsent) { EXPECT_EQ(StringMember(json{{"other", "x"}}, "name"), ""); }

TEST(StringMember, ReturnsEmptyWhenNotAString) {
  EXPECT_EQ(StringMember(json{{"name", 3}}, "name"), "");
  EXPECT_EQ(StringMember(json{{"name", nullptr}}, "name"), "");
}

TEST(StringMember, ReturnsEmptyForNonObject) {
  EXPECT_EQ(StringMember(json::array({"name"}), "name"), "");
  EXPECT_EQ(StringMember(json(), "name"), "");
}

}  // namespace
}  // namespace ortbackend
