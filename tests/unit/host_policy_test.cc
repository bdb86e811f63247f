#include "config/host_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

TEST(ParseHostPolicy, ReadsTheNameOfAPolicyWithoutSettings) {
  HostPolicy p;
  ASSERT_TRUE(ParseHostPolicy(json::parse(R"({"cpu": {}})"), &p).ok());
  EXPECT_EQ(p.name, "cpu");
  EXPECT_THAT(p.cpu_cores, IsEmpty());
  EXPECT_EQ(p.numa_node, -1);
  EXPECT_FALSE(p.pins_cpus());
}

TEST(ParseHostPolicy, ReadsCpuCoresAndNumaNode) {
  HostPolicy p;
  Status s = ParseHostPolicy(json::parse(R"({"pinned": {"cpu-cores": "2-3,0", "numa-node": "1"}})"), &p);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(p.name, "pinned");
  EXPECT_THAT(p.cpu_cores, ElementsAre(0, 2, 3));
  EXPECT_EQ(p.numa_node, 1);
  EXPECT_TRUE(p.pins_cpus());
}

TEST(ParseHostPolicy, KeepsSettingsItDoesNotApplyForTheLog) {
  HostPolicy p;
  ASSERT_TRUE(ParseHostPolicy(json::parse(R"({"p": {"memory": "x"}})"), &p).ok());
  EXPECT_THAT(p.other_settings, ElementsAre("memory=x"));
}

TEST(ParseHostPolicy, AnEmptyMessageNamesNoPolicy) {
  HostPolicy p;
  ASSERT_TRUE(ParseHostPolicy(json::object(), &p).ok());
  EXPECT_EQ(p.name, "");
}

TEST(ParseHostPolicy, RejectsABadCpuListNamingThePolicy) {
  HostPolicy p;
  Status s = ParseHostPolicy(json::parse(R"({"pinned": {"cpu-cores": "3-1"}})"), &p);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("host policy 'pinned' cpu-cores '3-1'"));
}

TEST(ParseHostPolicy, RejectsABadNumaNode) {
  HostPolicy p;
  Status s = ParseHostPolicy(json::parse(R"({"pinned": {"numa-node": "first"}})"), &p);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("numa-node 'first'"));
}

TEST(ParseHostPolicy, RejectsMoreThanOnePolicy) {
  HostPolicy p;
  EXPECT_FALSE(ParseHostPolicy(json::parse(R"({"a": {}, "b": {}})"), &p).ok());
  EXPECT_FALSE(ParseHostPolicy(json::array(), &p).ok());
}

TEST(ParseCpuList, ReadsSinglesRangesAndRepeats) {
  std::vector<int> cpus;
  ASSERT_TRUE(ParseCpuList("5,0-2,1", "x", &cpus).ok());
  EXPECT_THAT(cpus, ElementsAre(0, 1, 2, 5));
}

TEST(ParseCpuList, RejectsEmptyItemsNegativesAndHugeRanges) {
  std::vector<int> cpus;
  EXPECT_FALSE(ParseCpuList("", "x", &cpus).ok());
  EXPECT_FALSE(ParseCpuList("1,", "x", &cpus).ok());
  EXPECT_FALSE(ParseCpuList("-1", "x", &cpus).ok());
  EXPECT_FALSE(ParseCpuList("0-1000000000", "x", &cpus).ok());
  EXPECT_FALSE(ParseCpuList("a-b", "x", &cpus).ok());
}

TEST(IntraOpThreadAffinities, PinsEachPoolThreadToOneCpuInOrtsOneBasedNumbering) {
  // Three threads: the caller and two pool threads, on CPUs 4 and 5 (1-based 5, 6)
  // after the caller's turn on CPU 3.
  EXPECT_EQ(IntraOpThreadAffinities({3, 4, 5}, 3), "5;6");
}

TEST(IntraOpThreadAffinities, WrapsAroundWhenThereAreMoreThreadsThanCpus) {
  EXPECT_EQ(IntraOpThreadAffinities({1}, 3), "2;2");
  EXPECT_EQ(IntraOpThreadAffinities({0, 1}, 4), "2;1;2");
}

TEST(IntraOpThreadAffinities, EmptyWithoutPoolThreadsOrCpus) {
  EXPECT_EQ(IntraOpThreadAffinities({1, 2}, 1), "");
  EXPECT_EQ(IntraOpThreadAffinities({}, 4), "");
}

}  // namespace
}  // namespace ortbackend
