#include "load/load_phases.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::HasSubstr;

TEST(LoadPhases, AddsTheTimeSinceTheStartAndReturnsTheNextStart) {
  LoadPhases phases;
  const uint64_t start = NowNs() - 2000000;  // 2 ms ago
  const uint64_t next = phases.Add(LoadPhase::kSessionCreation, start);
  EXPECT_GE(phases.ns(LoadPhase::kSessionCreation), 2000000u);
  EXPECT_EQ(phases.ns(LoadPhase::kSessionCreation), next - start);
  EXPECT_EQ(phases.ns(LoadPhase::kConfigParse), 0u);
}

TEST(LoadPhases, APhaseEnteredTwiceCountsBoth) {
  LoadPhases phases;
  uint64_t t = NowNs() - 1000000;
  phases.Add(LoadPhase::kInspection, t);
  const uint64_t first = phases.ns(LoadPhase::kInspection);
  t = NowNs() - 3000000;
  phases.Add(LoadPhase::kInspection, t);
  EXPECT_GE(phases.ns(LoadPhase::kInspection), first + 3000000u);
}

TEST(LoadPhases, SummaryNamesEveryPhaseAndWhatNoPhaseHolds) {
  LoadPhases phases;
  phases.Add(LoadPhase::kSessionCreation, NowNs() - 5000000);
  const uint64_t counted = phases.ns(LoadPhase::kSessionCreation);
  const std::string s = phases.Summary(counted + 1500000);  // 1.5 ms more than the phases hold
  for (const char* name : {"config parse", "model read", "session options", "session creation", "memory release",
                           "placement report", "inspection", "auto-complete"})
    EXPECT_THAT(s, HasSubstr(std::string(name) + " ")) << s;
  EXPECT_THAT(s, HasSubstr("other 1.50 ms"));
  EXPECT_THAT(s, HasSubstr("config parse 0.00 ms"));
}

}  // namespace
}  // namespace ortbackend
