#pragma once
// Triton's BYTES wire format: each element is a 4-byte little-endian length
// followed by that many bytes, elements back to back. A request's tensor may
// arrive in several buffers ("chunks"), and an element or even a length
// prefix may straddle two of them, so decoding walks a cursor over chunks.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace ortbackend {

struct Chunk {
  const char* data = nullptr;
  uint64_t size = 0;
};

class ChunkCursor {
 public:
  ChunkCursor(const Chunk* chunks, size_t count);
  // Copies the next n bytes to dst (dst may be null to skip); false when fewer remain.
  bool Read(char* dst, uint64_t n);
  uint64_t remaining() const { return remaining_; }

 private:
  const Chunk* chunks_;
  size_t count_;
  size_t index_ = 0;
  uint64_t offset_ = 0;
  uint64_t remaining_ = 0;
};

// Checks that the chunks hold exactly `count` well-formed elements.
// `what` names the tensor ("model 'm', input 'x'").
Status ValidateBytesElements(const Chunk* chunks, size_t chunk_count, int64_t count, const std::string& what);

// Decodes `count` elements: for each, dest(index, length) returns where to put
// its `length` bytes (never null for length > 0). Expects validated input.
template <typename Dest>
Status DecodeBytesElements(const Chunk* chunks, size_t chunk_count, int64_t count, const std::string& what,
                           Dest&& dest);

// Bytes needed to encode `count` elements whose payloads total `payload_bytes`.
inline uint64_t EncodedBytesSize(uint64_t count, uint64_t payload_bytes) { return count * 4 + payload_bytes; }

// Writes one element at `out` and returns the position after it.
char* WriteBytesElement(char* out, const char* data, uint32_t length);

Status BytesFormatError(const std::string& what, int64_t index, const std::string& problem);
uint32_t DecodeLengthPrefix(const char bytes[4]);

template <typename Dest>
Status DecodeBytesElements(const Chunk* chunks, size_t chunk_count, int64_t count, const std::string& what,
                           Dest&& dest) {
  ChunkCursor cursor(chunks, chunk_count);
  for (int64_t i = 0; i < count; ++i) {
    char prefix[4];
    if (!cursor.Read(prefix, 4)) return BytesFormatError(what, i, "the length prefix is truncated");
    const uint32_t len = DecodeLengthPrefix(prefix);
    if (cursor.remaining() < len) return BytesFormatError(what, i, "the element is truncated");
    if (!cursor.Read(dest(i, len), len)) return BytesFormatError(what, i, "the element is truncated");
  }
  return Status::Ok();
}

}  // namespace ortbackend
