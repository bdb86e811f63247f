#include "execute/responder.h"

#include <memory>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/execute_fixtures.h"
#include "execute/request_batch.h"

namespace ortbackend {
namespace {

using execute_testing::ModelBuilder;
using execute_testing::Requests;
using fake_server::Bytes;
using fake_server::Event;
using ::testing::HasSubstr;

constexpr uint64_t kExecStart = 100, kComputeStart = 110, kComputeEnd = 150, kExecEnd = 200;

class ResponderTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_server::Reset(); }
  void TearDown() override { EXPECT_EQ(fake_server::LiveErrors(), 0); }

  // `n` valid requests of batch 1, begun and given compute times as the
  // instance's RunGroup gives them.
  void BeginValid(Requests& reqs, size_t n, RequestBatch& batch) {
    for (size_t i = 0; i < n; ++i)
      reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({static_cast<float>(i)}));
    batch.Begin(reqs.handles(), reqs.count());
    for (size_t r = 0; r < batch.size(); ++r) {
      batch.request(r).compute_start_ns = kComputeStart;
      batch.request(r).compute_end_ns = kComputeEnd;
    }
  }
  static std::vector<Event> ExpectedEvents(Requests& reqs, size_t first = 0) {
    std::vector<Event> e;
    for (size_t i = first; i < reqs.size(); ++i)
      for (auto kind : {Event::kStatistics, Event::kSend, Event::kRelease}) e.push_back(Event{kind, &reqs[i]});
    return e;
  }
  static void ExpectEvents(const std::vector<Event>& got, const std::vector<Event>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].kind, want[i].kind) << "event " << i;
      EXPECT_EQ(got[i].request, want[i].request) << "event " << i;
    }
  }

  ExecutionSpec spec_ = ModelBuilder(8).Input("x", TRITONSERVER_TYPE_FP32, {1}).Build();
  fake_server::Instance instance_;
};

TEST_F(ResponderTest, SendsAndReleasesEveryRequestOnceInOrder) {
  Requests reqs;
  RequestBatch batch(spec_);
  BeginValid(reqs, 3, batch);
  Responder responder(instance_.handle(), "m", /*threaded=*/false);

  responder.Finish(batch, {}, kExecStart, kExecEnd);

  ExpectEvents(fake_server::Events(), ExpectedEvents(reqs));
  for (size_t i = 0; i < reqs.size(); ++i) {
    ASSERT_EQ(reqs[i].responses.size(), 1u);
    EXPECT_EQ(reqs[i].response().send_count, 1);
    EXPECT_EQ(reqs[i].response().send_flags, static_cast<uint32_t>(TRITONSERVER_RESPONSE_COMPLETE_FINAL));
    EXPECT_FALSE(reqs[i].response().has_error);
    EXPECT_EQ(reqs[i].release_count, 1);
    EXPECT_EQ(reqs[i].release_flags, static_cast<uint32_t>(TRITONSERVER_REQUEST_RELEASE_ALL));
  }
  EXPECT_EQ(batch.size(), 0u);  // the batch owns nothing any more
}

TEST_F(ResponderTest, SendsEachFailedRequestWithItsError) {
  Requests reqs;
  RequestBatch batch(spec_);
  BeginValid(reqs, 2, batch);
  batch.request(1).error = Status::InvalidArgument("model 'm', input 'x': bad");
  Responder responder(instance_.handle(), "m", /*threaded=*/false);

  responder.Finish(batch, {}, kExecStart, kExecEnd);

  EXPECT_FALSE(reqs[0].response().has_error);
  const fake_server::Response& failed = reqs[1].response();
  EXPECT_EQ(failed.send_count, 1);
  ASSERT_TRUE(failed.has_error);
  EXPECT_EQ(failed.error_code, TRITONSERVER_ERROR_INVALID_ARG);
  EXPECT_EQ(failed.error_message, "model 'm', input 'x': bad");
  EXPECT_EQ(reqs[1].release_count, 1);
}

TEST_F(ResponderTest, ReportsEachRequestsStatisticsWithItsOutcome) {
  Requests reqs;
  RequestBatch batch(spec_);
  BeginValid(reqs, 2, batch);
  batch.request(1).error = Status::Internal("the run failed");
  Responder responder(instance_.handle(), "m", /*threaded=*/false);

  responder.Finish(batch, {}, kExecStart, kExecEnd);

  ASSERT_EQ(instance_.statistics.size(), 2u);
  const fake_server::StatisticsCall& ok = instance_.statistics[0];
  EXPECT_EQ(ok.request, &reqs[0]);
  EXPECT_TRUE(ok.success);
  EXPECT_EQ(ok.exec_start_ns, kExecStart);
  EXPECT_EQ(ok.compute_start_ns, kComputeStart);
  EXPECT_EQ(ok.compute_end_ns, kComputeEnd);
  EXPECT_EQ(ok.exec_end_ns, kExecEnd);
  // A failed request computed nothing: its compute times collapse to the start.
  const fake_server::StatisticsCall& failed = instance_.statistics[1];
  EXPECT_EQ(failed.request, &reqs[1]);
  EXPECT_FALSE(failed.success);
  EXPECT_EQ(failed.compute_start_ns, kExecStart);
  EXPECT_EQ(failed.compute_end_ns, kExecStart);
}

TEST_F(ResponderTest, ReportsEachRunsBatchStatistics) {
  Requests reqs;
  RequestBatch batch(spec_);
  BeginValid(reqs, 1, batch);
  Responder responder(instance_.handle(), "m", /*threaded=*/false);

  responder.Finish(batch, {RunStats{3, 1, 2, 3, 4}, RunStats{5, 6, 7, 8, 9}}, kExecStart, kExecEnd);

  ASSERT_EQ(instance_.batch_statistics.size(), 2u);
  EXPECT_EQ(instance_.batch_statistics[0].batch_size, 3u);
  EXPECT_EQ(instance_.batch_statistics[0].compute_end_ns, 3u);
  EXPECT_EQ(instance_.batch_statistics[1].batch_size, 5u);
  EXPECT_EQ(instance_.batch_statistics[1].exec_end_ns, 9u);
}

TEST_F(ResponderTest, ReleasesARequestThatHasNoResponse) {
  Requests reqs;
  reqs.Add().AddInput("x", TRITONSERVER_TYPE_FP32, {1, 1}, Bytes<float>({1}));
  reqs[0].fail_response_new = true;
  RequestBatch batch(spec_);
  batch.Begin(reqs.handles(), reqs.count());
  Responder responder(instance_.handle(), "m", /*threaded=*/false);

  responder.Finish(batch, {}, kExecStart, kExecEnd);

  EXPECT_TRUE(reqs[0].responses.empty());
  EXPECT_EQ(reqs[0].release_count, 1);
  ASSERT_EQ(instance_.statistics.size(), 1u);
  EXPECT_FALSE(instance_.statistics[0].success);
}

TEST_F(ResponderTest, LogsAFailedSendAndStillReleases) {
  Requests reqs;
  RequestBatch batch(spec_);
  BeginValid(reqs, 2, batch);
  reqs[0].fail_send = true;
  Responder responder(instance_.handle(), "m", /*threaded=*/false);

  responder.Finish(batch, {}, kExecStart, kExecEnd);

  EXPECT_EQ(reqs[0].release_count, 1);
  EXPECT_EQ(reqs[1].response().send_count, 1);
  bool logged = false;
  for (const auto& line : fake_server::LogLines())
    logged = logged || (line.level == TRITONSERVER_LOG_ERROR &&
                        line.message == "model 'm': failed to send a response: the client went away");
  EXPECT_TRUE(logged);
}

TEST_F(ResponderTest, ThreadedSendsEveryCallsRequestsInOrder) {
  Requests first, second;
  RequestBatch batch(spec_);
  auto responder = std::make_unique<Responder>(instance_.handle(), "m", /*threaded=*/true);

  BeginValid(first, 2, batch);
  responder->Finish(batch, {RunStats{2, 1, 2, 3, 4}}, kExecStart, kExecEnd);
  // Batch statistics go out on the calling thread, before Finish returns.
  EXPECT_EQ(instance_.batch_statistics.size(), 1u);
  EXPECT_EQ(batch.size(), 0u);
  BeginValid(second, 3, batch);
  responder->Finish(batch, {}, kExecStart, kExecEnd);
  ASSERT_TRUE(fake_server::WaitForReleases(5));
  responder.reset();

  std::vector<Event> want = ExpectedEvents(first);
  for (const Event& e : ExpectedEvents(second)) want.push_back(e);
  ExpectEvents(fake_server::Events(), want);
  for (Requests* reqs : {&first, &second})
    for (size_t i = 0; i < reqs->size(); ++i) {
      EXPECT_EQ((*reqs)[i].response().send_count, 1);
      EXPECT_EQ((*reqs)[i].release_count, 1);
    }
}

TEST_F(ResponderTest, ThreadedDestructorSendsWhatIsStillQueued) {
  Requests reqs;
  RequestBatch batch(spec_);
  auto responder = std::make_unique<Responder>(instance_.handle(), "m", /*threaded=*/true);
  BeginValid(reqs, 4, batch);
  batch.request(2).error = Status::Internal("the run failed");

  responder->Finish(batch, {}, kExecStart, kExecEnd);
  responder.reset();  // no wait: the destructor must drain the queue

  ExpectEvents(fake_server::Events(), ExpectedEvents(reqs));
  for (size_t i = 0; i < reqs.size(); ++i) EXPECT_EQ(reqs[i].release_count, 1);
  EXPECT_TRUE(reqs[2].response().has_error);
}

}  // namespace
}  // namespace ortbackend
