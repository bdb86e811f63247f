#pragma once
// Protobuf encoding, just enough to build ONNX messages by hand in tests
// (length-delimited fields and varints; the reader is common/protobuf_wire.h).

#include <cstdint>
#include <string>

namespace ortbackend::test {

inline std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  return out + static_cast<char>(v);
}

// Field `number` with wire type 2 (length-delimited) holding `bytes`.
inline std::string Field(int number, const std::string& bytes) {
  return Varint(static_cast<uint64_t>(number) << 3 | 2) + Varint(bytes.size()) + bytes;
}

}  // namespace ortbackend::test
