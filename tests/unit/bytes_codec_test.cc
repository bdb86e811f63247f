#include "tensor/bytes_codec.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kWhat = "model 'm', input 'text'";

// Triton's wire format of `elements`, built with the codec's own writer.
std::string Encode(const std::vector<std::string>& elements) {
  uint64_t payload = 0;
  for (const auto& e : elements) payload += e.size();
  std::string out(EncodedBytesSize(elements.size(), payload), '\xEE');
  char* p = out.data();
  for (const auto& e : elements) p = WriteBytesElement(p, e.data(), static_cast<uint32_t>(e.size()));
  EXPECT_EQ(p, out.data() + out.size());
  return out;
}

// The bytes of a little-endian length prefix.
std::string Prefix(uint32_t n) {
  return std::string{static_cast<char>(n & 0xFF), static_cast<char>((n >> 8) & 0xFF),
                     static_cast<char>((n >> 16) & 0xFF), static_cast<char>((n >> 24) & 0xFF)};
}

// `data` cut into chunks at the given offsets (which may repeat, giving empty chunks).
std::vector<Chunk> SplitAt(const std::string& data, const std::vector<size_t>& cuts) {
  std::vector<Chunk> chunks;
  size_t start = 0;
  for (size_t cut : cuts) {
    chunks.push_back(Chunk{data.data() + start, cut - start});
    start = cut;
  }
  chunks.push_back(Chunk{data.data() + start, data.size() - start});
  return chunks;
}

std::vector<Chunk> OneChunk(const std::string& data) { return SplitAt(data, {}); }

StatusOr<std::vector<std::string>> Decode(const std::vector<Chunk>& chunks, int64_t count) {
  std::vector<std::string> out(static_cast<size_t>(count));
  Status s = DecodeBytesElements(chunks.data(), chunks.size(), count, kWhat, [&](int64_t i, uint32_t len) {
    out[static_cast<size_t>(i)].resize(len);
    return out[static_cast<size_t>(i)].data();
  });
  if (!s.ok()) return s;
  return out;
}

Status Validate(const std::vector<Chunk>& chunks, int64_t count) {
  return ValidateBytesElements(chunks.data(), chunks.size(), count, kWhat);
}

// =============================================================================
// ChunkCursor
// =============================================================================

TEST(ChunkCursor, RemainingIsTheTotalOfAllChunks) {
  const std::string data = "abcdefg";
  auto chunks = SplitAt(data, {2, 5});
  ChunkCursor cursor(chunks.data(), chunks.size());
  EXPECT_EQ(cursor.remaining(), 7u);
}

TEST(ChunkCursor, ReadsAcrossChunkBoundaries) {
  const std::string data = "abcdefg";
  auto chunks = SplitAt(data, {2, 5});
  ChunkCursor cursor(chunks.data(), chunks.size());
  char buf[8] = {};
  ASSERT_TRUE(cursor.Read(buf, 6));
  EXPECT_EQ(std::string(buf, 6), "abcdef");
  EXPECT_EQ(cursor.remaining(), 1u);
  ASSERT_TRUE(cursor.Read(buf, 1));
  EXPECT_EQ(buf[0], 'g');
  EXPECT_EQ(cursor.remaining(), 0u);
}

TEST(ChunkCursor, StepsOverEmptyChunks) {
  const std::string data = "abcd";
  auto chunks = SplitAt(data, {0, 0, 2, 2, 2});
  ChunkCursor cursor(chunks.data(), chunks.size());
  char buf[4] = {};
  ASSERT_TRUE(cursor.Read(buf, 4));
  EXPECT_EQ(std::string(buf, 4), "abcd");
}

TEST(ChunkCursor, NullDestinationSkipsBytes) {
  const std::string data = "abcdef";
  auto chunks = SplitAt(data, {3});
  ChunkCursor cursor(chunks.data(), chunks.size());
  ASSERT_TRUE(cursor.Read(nullptr, 4));
  char c = 0;
  ASSERT_TRUE(cursor.Read(&c, 1));
  EXPECT_EQ(c, 'e');
}

TEST(ChunkCursor, ReadPastTheEndFailsAndConsumesNothing) {
  const std::string data = "abc";
  auto chunks = OneChunk(data);
  ChunkCursor cursor(chunks.data(), chunks.size());
  char buf[4] = {};
  EXPECT_FALSE(cursor.Read(buf, 4));
  EXPECT_EQ(cursor.remaining(), 3u);
  ASSERT_TRUE(cursor.Read(buf, 3));
  EXPECT_EQ(std::string(buf, 3), "abc");
}

TEST(ChunkCursor, ZeroByteReadWithoutChunksSucceeds) {
  ChunkCursor cursor(nullptr, 0);
  EXPECT_EQ(cursor.remaining(), 0u);
  EXPECT_TRUE(cursor.Read(nullptr, 0));
  char c;
  EXPECT_FALSE(cursor.Read(&c, 1));
}

// =============================================================================
// Length prefix and writer
// =============================================================================

TEST(DecodeLengthPrefix, IsLittleEndian) {
  const char bytes[4] = {0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(DecodeLengthPrefix(bytes), 0x04030201u);
}

TEST(DecodeLengthPrefix, TreatsBytesAsUnsigned) {
  const char bytes[4] = {'\xFF', '\xFF', '\xFF', '\xFF'};
  EXPECT_EQ(DecodeLengthPrefix(bytes), 0xFFFFFFFFu);
  const char high[4] = {'\x80', 0, 0, 0};
  EXPECT_EQ(DecodeLengthPrefix(high), 0x80u);
}

TEST(WriteBytesElement, WritesLittleEndianLengthThenPayload) {
  char buf[16] = {};
  char* end = WriteBytesElement(buf, "hey", 3);
  EXPECT_EQ(end, buf + 7);
  EXPECT_EQ(std::string(buf, 7), Prefix(3) + "hey");
}

TEST(WriteBytesElement, EmptyElementIsOnlyAPrefix) {
  char buf[8] = {};
  char* end = WriteBytesElement(buf, nullptr, 0);
  EXPECT_EQ(end, buf + 4);
  EXPECT_EQ(std::string(buf, 4), std::string(4, '\0'));
}

TEST(WriteBytesElement, WritesLengthsAbove255InFull) {
  const std::string payload(300, 'x');
  std::string buf(304, '\0');
  WriteBytesElement(buf.data(), payload.data(), 300);
  EXPECT_EQ(buf.substr(0, 4), Prefix(300));
  EXPECT_EQ(DecodeLengthPrefix(buf.data()), 300u);
}

TEST(EncodedBytesSize, IsFourBytesPerElementPlusPayload) {
  EXPECT_EQ(EncodedBytesSize(0, 0), 0u);
  EXPECT_EQ(EncodedBytesSize(3, 10), 22u);
  EXPECT_EQ(EncodedBytesSize(2, 0), 8u);
}

TEST(BytesFormatError, NamesTheTensorAndTheElement) {
  Status s = BytesFormatError(kWhat, 7, "something is wrong");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(kWhat));
  EXPECT_THAT(s.message(), HasSubstr("element 7"));
  EXPECT_THAT(s.message(), HasSubstr("something is wrong"));
}

// =============================================================================
// ValidateBytesElements
// =============================================================================

TEST(ValidateBytesElements, AcceptsWellFormedElements) {
  const std::string data = Encode({"hello", "world", "!"});
  EXPECT_TRUE(Validate(OneChunk(data), 3).ok());
}

TEST(ValidateBytesElements, AcceptsEmptyStrings) {
  const std::string data = Encode({"", "a", ""});
  EXPECT_TRUE(Validate(OneChunk(data), 3).ok());
}

TEST(ValidateBytesElements, AcceptsEmbeddedNuls) {
  const std::string data = Encode({std::string("a\0b", 3), std::string(4, '\0')});
  EXPECT_TRUE(Validate(OneChunk(data), 2).ok());
}

TEST(ValidateBytesElements, AcceptsZeroElementsWithoutData) {
  EXPECT_TRUE(ValidateBytesElements(nullptr, 0, 0, kWhat).ok());
  const std::string empty;
  EXPECT_TRUE(Validate(OneChunk(empty), 0).ok());
}

TEST(ValidateBytesElements, AcceptsALengthPrefixSplitAcrossChunks) {
  const std::string data = Encode({"abc", "defgh"});
  // The second prefix occupies bytes [7, 11); cut it in the middle.
  EXPECT_TRUE(Validate(SplitAt(data, {9}), 2).ok());
}

TEST(ValidateBytesElements, AcceptsAnElementSplitAcrossChunks) {
  const std::string data = Encode({"abcdef"});
  EXPECT_TRUE(Validate(SplitAt(data, {6}), 1).ok());
}

TEST(ValidateBytesElements, AcceptsEverySplitIntoTwoChunks) {
  const std::string data = Encode({"ab", "", std::string("\0x", 2), "longer element"});
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    EXPECT_TRUE(Validate(SplitAt(data, {cut}), 4).ok()) << "cut at " << cut;
  }
}

TEST(ValidateBytesElements, AcceptsOneByteChunks) {
  const std::string data = Encode({"ab", "", "cde"});
  std::vector<size_t> cuts;
  for (size_t i = 1; i < data.size(); ++i) cuts.push_back(i);
  EXPECT_TRUE(Validate(SplitAt(data, cuts), 3).ok());
}

TEST(ValidateBytesElements, RejectsATruncatedLengthPrefix) {
  const std::string data = Encode({"abc"}) + std::string("\x01\x00", 2);
  Status s = Validate(OneChunk(data), 2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(kWhat));
  EXPECT_THAT(s.message(), HasSubstr("element 1"));
  EXPECT_THAT(s.message(), HasSubstr("4-byte length prefix"));
  EXPECT_THAT(s.message(), HasSubstr("only 2 bytes remain"));
}

TEST(ValidateBytesElements, RejectsFewerElementsThanTheShapeCallsFor) {
  const std::string data = Encode({"a", "b"});
  Status s = Validate(OneChunk(data), 3);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("element 2"));
  EXPECT_THAT(s.message(), HasSubstr("only 0 bytes remain"));
}

TEST(ValidateBytesElements, RejectsALengthThatRunsPastTheEnd) {
  const std::string data = Prefix(10) + "short";
  Status s = Validate(OneChunk(data), 1);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(kWhat));
  EXPECT_THAT(s.message(), HasSubstr("element 0"));
  EXPECT_THAT(s.message(), HasSubstr("says 10 bytes"));
  EXPECT_THAT(s.message(), HasSubstr("only 5 remain"));
}

TEST(ValidateBytesElements, RejectsTheLargestLengthWithoutReadingPastTheEnd) {
  const std::string data = Prefix(0xFFFFFFFFu) + "xy";
  Status s = Validate(OneChunk(data), 1);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("4294967295"));
}

TEST(ValidateBytesElements, RejectsLeftoverBytes) {
  const std::string data = Encode({"abc", "de"}) + "zz";
  Status s = Validate(OneChunk(data), 2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(kWhat));
  EXPECT_THAT(s.message(), HasSubstr("2 bytes left over"));
  EXPECT_THAT(s.message(), HasSubstr("2 elements"));
}

TEST(ValidateBytesElements, RejectsDataForZeroElements) {
  const std::string data = Encode({""});
  Status s = Validate(OneChunk(data), 0);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("4 bytes left over"));
}

// =============================================================================
// DecodeBytesElements
// =============================================================================

TEST(DecodeBytesElements, RoundTripsStrings) {
  const std::vector<std::string> elements = {"hello", "wide world", "!"};
  auto decoded = Decode(OneChunk(Encode(elements)), 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded.value(), elements);
}

TEST(DecodeBytesElements, RoundTripsEmptyStrings) {
  const std::vector<std::string> elements = {"", "", "x", ""};
  auto decoded = Decode(OneChunk(Encode(elements)), 4);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), elements);
}

TEST(DecodeBytesElements, RoundTripsEmbeddedNuls) {
  const std::vector<std::string> elements = {std::string("\0\0a\0", 4), std::string(1, '\0')};
  auto decoded = Decode(OneChunk(Encode(elements)), 2);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), elements);
}

TEST(DecodeBytesElements, RoundTripsEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  auto decoded = Decode(OneChunk(Encode({all})), 1);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value()[0], all);
}

TEST(DecodeBytesElements, DecodesAcrossEverySplitIntoTwoChunks) {
  const std::vector<std::string> elements = {"ab", "", "cdefg", std::string("\0", 1)};
  const std::string data = Encode(elements);
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    auto decoded = Decode(SplitAt(data, {cut}), 4);
    ASSERT_TRUE(decoded.ok()) << "cut at " << cut;
    EXPECT_EQ(decoded.value(), elements) << "cut at " << cut;
  }
}

TEST(DecodeBytesElements, DecodesOneByteChunks) {
  const std::vector<std::string> elements = {"abc", "", "de"};
  const std::string data = Encode(elements);
  std::vector<size_t> cuts;
  for (size_t i = 1; i < data.size(); ++i) cuts.push_back(i);
  auto decoded = Decode(SplitAt(data, cuts), 3);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), elements);
}

TEST(DecodeBytesElements, AsksTheDestinationForEachElementInOrder) {
  const std::string data = Encode({"abc", "", "de"});
  auto chunks = OneChunk(data);
  std::vector<std::pair<int64_t, uint32_t>> asked;
  std::string sink(16, '\0');
  Status s = DecodeBytesElements(chunks.data(), chunks.size(), 3, kWhat, [&](int64_t i, uint32_t len) {
    asked.emplace_back(i, len);
    return sink.data();
  });
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(asked, ElementsAre(std::make_pair(int64_t{0}, 3u), std::make_pair(int64_t{1}, 0u),
                                 std::make_pair(int64_t{2}, 2u)));
}

TEST(DecodeBytesElements, ZeroElementsDecodeNothing) {
  int calls = 0;
  Status s = DecodeBytesElements(nullptr, 0, 0, kWhat, [&](int64_t, uint32_t) {
    ++calls;
    return static_cast<char*>(nullptr);
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 0);
}

TEST(DecodeBytesElements, ReportsATruncatedLengthPrefix) {
  const std::string data = Encode({"abc"}) + std::string("\x01", 1);
  auto decoded = Decode(OneChunk(data), 2);
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.status().message(), HasSubstr(kWhat));
  EXPECT_THAT(decoded.status().message(), HasSubstr("element 1"));
  EXPECT_THAT(decoded.status().message(), HasSubstr("prefix"));
}

TEST(DecodeBytesElements, ReportsATruncatedElement) {
  const std::string data = Prefix(8) + "abc";
  auto decoded = Decode(OneChunk(data), 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.status().message(), HasSubstr("element 0"));
  EXPECT_THAT(decoded.status().message(), HasSubstr("truncated"));
}

}  // namespace
}  // namespace ortbackend
