#include "common/status.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::HasSubstr;

TEST(Status, DefaultConstructedIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
}

TEST(Status, OkFactoryIsOk) { EXPECT_TRUE(Status::Ok().ok()); }

TEST(Status, EachFactoryCarriesItsCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument},
      {Status::NotFound("m"), StatusCode::kNotFound},
      {Status::Unsupported("m"), StatusCode::kUnsupported},
      {Status::Unavailable("m"), StatusCode::kUnavailable},
      {Status::Internal("m"), StatusCode::kInternal},
      {Status::Cancelled("m"), StatusCode::kCancelled},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), "m");
  }
}

TEST(Status, WithContextPrefixesTheMessageAndKeepsTheCode) {
  Status s = Status::NotFound("input 'x' is missing").WithContext("model 'resnet'");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "model 'resnet': input 'x' is missing");
}

TEST(Status, WithContextLeavesOkStatusUntouched) {
  Status s = Status::Ok().WithContext("model 'resnet'");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
}

TEST(Status, WithContextDoesNotChangeTheOriginal) {
  const Status original = Status::Internal("boom");
  Status with = original.WithContext("ctx");
  EXPECT_EQ(original.message(), "boom");
  EXPECT_THAT(with.message(), HasSubstr("ctx"));
}

TEST(StatusOr, HoldsAValue) {
  StatusOr<std::string> v(std::string("hello"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), "hello");
}

TEST(StatusOr, HoldsAnError) {
  StatusOr<int> v(Status::InvalidArgument("bad"));
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "bad");
}

TEST(StatusOr, TakeMovesTheValueOut) {
  StatusOr<std::vector<int>> v(std::vector<int>{1, 2, 3});
  std::vector<int> taken = v.take();
  EXPECT_EQ(taken, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace ortbackend
