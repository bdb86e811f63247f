#include "common/data_type.h"

#include <gtest/gtest.h>

namespace ortbackend {
namespace {

TEST(DataType, ConfigSpellingRoundTrips) {
  for (auto t : {TRITONSERVER_TYPE_BOOL, TRITONSERVER_TYPE_UINT8, TRITONSERVER_TYPE_INT64, TRITONSERVER_TYPE_FP16,
                 TRITONSERVER_TYPE_BF16, TRITONSERVER_TYPE_BYTES}) {
    auto back = DataTypeFromConfig(DataTypeToConfig(t));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, t);
  }
  EXPECT_FALSE(DataTypeFromConfig("TYPE_FLOAT").has_value());
}

}  // namespace
}  // namespace ortbackend
