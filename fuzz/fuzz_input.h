#pragma once
// Reads typed values off the front of a fuzzer's input. When the input runs
// out every read returns zero/its lowest choice, so any input is usable. (Like
// libFuzzer's FuzzedDataProvider, which gcc builds of fuzz/ do not have.)

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ortbackend_fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t Byte() { return size_ == 0 ? 0 : (--size_, *data_++); }
  bool Bool() { return Byte() & 1; }
  uint64_t U64() {
    uint64_t v = 0;
    const size_t n = size_ < 8 ? size_ : 8;
    std::memcpy(&v, data_, n);
    data_ += n;
    size_ -= n;
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  uint16_t U16() { return static_cast<uint16_t>(Byte() | (Byte() << 8)); }
  // One of [lo, hi], lo <= hi, from one byte (so hi - lo < 256 is uniform).
  int64_t SmallInRange(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Byte() % (hi - lo + 1)); }

  // What is left, for targets whose tail is a payload.
  const uint8_t* rest() const { return data_; }
  size_t remaining() const { return size_; }

 private:
  const uint8_t* data_;
  size_t size_;
};

}  // namespace ortbackend_fuzz
