// The per-Execute tally behind the requests_total / executions_total
// counters (triton/metrics.h): header-only, so it needs no server.
#include "triton/metrics.h"

#include <gtest/gtest.h>

namespace ortbackend {
namespace {

TEST(ExecutionTally, StartsEmpty) {
  ExecutionTally t;
  EXPECT_EQ(t.zero_copy_runs + t.gathered_runs + t.zero_copy_requests + t.gathered_requests, 0u);
  EXPECT_EQ(t.input_bytes_copied + t.output_bytes_copied, 0u);
}

TEST(ExecutionTally, CountsEachRunAndItsRequestsOnItsPath) {
  ExecutionTally t;
  t.AddRun(/*gathered=*/true, 4);
  t.AddRun(/*gathered=*/false, 1);
  t.AddRun(/*gathered=*/false, 1);
  EXPECT_EQ(t.gathered_runs, 1u);
  EXPECT_EQ(t.gathered_requests, 4u);
  EXPECT_EQ(t.zero_copy_runs, 2u);
  EXPECT_EQ(t.zero_copy_requests, 2u);
}

}  // namespace
}  // namespace ortbackend
