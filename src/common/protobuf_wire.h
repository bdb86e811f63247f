#pragma once
// The protobuf wire format, as much of it as onnx.proto uses: enough to walk
// an ONNX file's messages without protobuf or ONNX Runtime (the tool's file
// summary, the backend's reading of a model's weights).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace ortbackend {

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Reads the fields of one protobuf message held in [p, end). Every read
// returns false on malformed input; the caller stops there.
class WireReader {
 public:
  WireReader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

  bool done() const { return p_ >= end_; }
  const uint8_t* position() const { return p_; }

  bool Tag(uint32_t* field, int* wire) {
    uint64_t tag;
    if (!Varint(&tag) || (tag >> 3) == 0 || (tag >> 3) > std::numeric_limits<uint32_t>::max()) return false;
    *field = static_cast<uint32_t>(tag >> 3);
    *wire = static_cast<int>(tag & 7);
    return true;
  }

  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const uint8_t b = *p_++;
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }

  bool Bytes(const uint8_t** data, size_t* size) {
    uint64_t n;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *data = p_;
    *size = static_cast<size_t>(n);
    p_ += n;
    return true;
  }

  bool String(std::string* s) {
    const uint8_t* d;
    size_t n;
    if (!Bytes(&d, &n)) return false;
    s->assign(reinterpret_cast<const char*>(d), n);
    return true;
  }

  // A nested message: a reader over its bytes.
  bool Message(WireReader* inner) {
    const uint8_t* d;
    size_t n;
    if (!Bytes(&d, &n)) return false;
    *inner = WireReader(d, d + n);
    return true;
  }

  bool Skip(int wire) {
    uint64_t v;
    const uint8_t* d;
    size_t n;
    switch (wire) {
      case kVarint: return Varint(&v);
      case kLengthDelimited: return Bytes(&d, &n);
      case kFixed64: return Advance(8);
      case kFixed32: return Advance(4);
      default: return false;  // groups (3, 4) are not used by onnx.proto
    }
  }

 private:
  bool Advance(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) return false;
    p_ += n;
    return true;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace ortbackend
