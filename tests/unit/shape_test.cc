#include "common/shape.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace ortbackend {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();

TEST(CheckedElementCount, MultipliesTheDims) {
  int64_t n = -7;
  ASSERT_TRUE(CheckedElementCount(Shape{2, 3, 4}, &n));
  EXPECT_EQ(n, 24);
}

TEST(CheckedElementCount, EmptyShapeIsOneElement) {
  int64_t n = -7;
  ASSERT_TRUE(CheckedElementCount(Shape{}, &n));
  EXPECT_EQ(n, 1);
}

TEST(CheckedElementCount, ZeroDimGivesZeroElements) {
  int64_t n = -7;
  ASSERT_TRUE(CheckedElementCount(Shape{5, 0, 3}, &n));
  EXPECT_EQ(n, 0);
}

TEST(CheckedElementCount, RejectsNegativeDim) {
  int64_t n = -7;
  EXPECT_FALSE(CheckedElementCount(Shape{2, -1}, &n));
  EXPECT_EQ(n, -7) << "the output must be left alone on failure";
}

TEST(CheckedElementCount, RejectsProductThatOverflows) {
  int64_t n = -7;
  EXPECT_FALSE(CheckedElementCount(Shape{int64_t{1} << 62, 4}, &n));
  EXPECT_FALSE(CheckedElementCount(Shape{int64_t{1} << 32, int64_t{1} << 32}, &n));
}

TEST(CheckedElementCount, AcceptsProductEqualToInt64Max) {
  int64_t n = 0;
  ASSERT_TRUE(CheckedElementCount(Shape{kInt64Max, 1}, &n));
  EXPECT_EQ(n, kInt64Max);
}

TEST(CheckedElementCount, WorksOnADimsViewOfRawMemory) {
  const int64_t dims[] = {7, 2, 9};
  int64_t n = 0;
  ASSERT_TRUE(CheckedElementCount(DimsView(dims + 1, 2), &n));
  EXPECT_EQ(n, 18);
}

TEST(CheckedByteSize, MultipliesCountByElementSize) {
  uint64_t b = 0;
  ASSERT_TRUE(CheckedByteSize(6, 4, &b));
  EXPECT_EQ(b, 24u);
}

TEST(CheckedByteSize, ZeroElementSizeGivesZeroBytes) {
  uint64_t b = 99;
  ASSERT_TRUE(CheckedByteSize(kInt64Max, 0, &b));
  EXPECT_EQ(b, 0u);
}

TEST(CheckedByteSize, RejectsNegativeCount) {
  uint64_t b = 0;
  EXPECT_FALSE(CheckedByteSize(-1, 4, &b));
}

TEST(CheckedByteSize, RejectsProductThatOverflows64Bits) {
  uint64_t b = 0;
  EXPECT_FALSE(CheckedByteSize(int64_t{1} << 62, 4, &b));
  EXPECT_FALSE(CheckedByteSize(kInt64Max, 8, &b));
}

TEST(CheckedByteSize, AcceptsTheLargestCountThatFits) {
  uint64_t b = 0;
  ASSERT_TRUE(CheckedByteSize(int64_t{1} << 61, 4, &b));
  EXPECT_EQ(b, uint64_t{1} << 63);
  ASSERT_TRUE(CheckedByteSize(kInt64Max, 2, &b));
  EXPECT_EQ(b, kUint64Max - 1);
}

TEST(DimsMatch, EqualShapesMatch) { EXPECT_TRUE(DimsMatch(Shape{1, 3, 224}, Shape{1, 3, 224})); }

TEST(DimsMatch, WildcardInPatternMatchesAnyDim) {
  EXPECT_TRUE(DimsMatch(Shape{-1, 3}, Shape{17, 3}));
  EXPECT_TRUE(DimsMatch(Shape{-1, 3}, Shape{0, 3}));
}

TEST(DimsMatch, DifferentDimDoesNotMatch) { EXPECT_FALSE(DimsMatch(Shape{-1, 3}, Shape{17, 4})); }

TEST(DimsMatch, DifferentRankDoesNotMatch) {
  EXPECT_FALSE(DimsMatch(Shape{-1, 3}, Shape{17, 3, 1}));
  EXPECT_FALSE(DimsMatch(Shape{-1}, Shape{}));
}

TEST(DimsMatch, WildcardInActualDoesNotMatchFixedPattern) { EXPECT_FALSE(DimsMatch(Shape{3}, Shape{-1})); }

TEST(DimsMatch, EmptyShapesMatch) { EXPECT_TRUE(DimsMatch(Shape{}, Shape{})); }

TEST(ShapeToString, PrintsDimsInBracketsWithoutSpaces) { EXPECT_EQ(ShapeToString(Shape{1, 3, -1}), "[1,3,-1]"); }

TEST(ShapeToString, PrintsEmptyShapeAsEmptyBrackets) { EXPECT_EQ(ShapeToString(Shape{}), "[]"); }

TEST(ShapeToString, PrintsLargeDimsInFull) {
  EXPECT_EQ(ShapeToString(Shape{int64_t{1} << 62}), "[4611686018427387904]");
}

}  // namespace
}  // namespace ortbackend
