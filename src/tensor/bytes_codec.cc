#include "tensor/bytes_codec.h"

#include <algorithm>
#include <cstring>

namespace ortbackend {

ChunkCursor::ChunkCursor(const Chunk* chunks, size_t count) : chunks_(chunks), count_(count) {
  for (size_t i = 0; i < count; ++i) remaining_ += chunks[i].size;
}

bool ChunkCursor::Read(char* dst, uint64_t n) {
  if (n > remaining_) return false;
  remaining_ -= n;
  while (n > 0) {
    while (offset_ == chunks_[index_].size) {  // step over exhausted or empty chunks
      ++index_;
      offset_ = 0;
    }
    const uint64_t take = std::min(n, chunks_[index_].size - offset_);
    if (dst != nullptr) {
      std::memcpy(dst, chunks_[index_].data + offset_, take);
      dst += take;
    }
    offset_ += take;
    n -= take;
  }
  return true;
}

uint32_t DecodeLengthPrefix(const char bytes[4]) {
  const auto* u = reinterpret_cast<const unsigned char*>(bytes);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) | (static_cast<uint32_t>(u[2]) << 16) |
         (static_cast<uint32_t>(u[3]) << 24);
}

Status BytesFormatError(const std::string& what, int64_t index, const std::string& problem) {
  return Status::InvalidArgument(what + ": malformed BYTES data at element " + std::to_string(index) + ": " + problem);
}

Status ValidateBytesElements(const Chunk* chunks, size_t chunk_count, int64_t count, const std::string& what) {
  ChunkCursor cursor(chunks, chunk_count);
  for (int64_t i = 0; i < count; ++i) {
    char prefix[4];
    if (!cursor.Read(prefix, 4))
      return BytesFormatError(
          what, i, "expected a 4-byte length prefix, but only " + std::to_string(cursor.remaining()) + " bytes remain");
    const uint32_t len = DecodeLengthPrefix(prefix);
    if (cursor.remaining() < len)
      return BytesFormatError(what, i,
                              "the length prefix says " + std::to_string(len) + " bytes, but only " +
                                  std::to_string(cursor.remaining()) + " remain");
    cursor.Read(nullptr, len);
  }
  if (cursor.remaining() != 0)
    return Status::InvalidArgument(what + ": BYTES data has " + std::to_string(cursor.remaining()) +
                                   " bytes left over after the " + std::to_string(count) +
                                   " elements its shape calls for");
  return Status::Ok();
}

char* WriteBytesElement(char* out, const char* data, uint32_t length) {
  const unsigned char prefix[4] = {static_cast<unsigned char>(length), static_cast<unsigned char>(length >> 8),
                                   static_cast<unsigned char>(length >> 16), static_cast<unsigned char>(length >> 24)};
  std::memcpy(out, prefix, 4);
  if (length) std::memcpy(out + 4, data, length);
  return out + 4 + length;
}

}  // namespace ortbackend
