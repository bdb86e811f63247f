#pragma once
// Shapes: checked element counts, wildcard matching and printing. Checked
// arithmetic matters because request shapes come from clients and a product
// of dims can overflow 64 bits.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ortbackend {

using Shape = std::vector<int64_t>;

// A non-owning view of dims (C++17 has no std::span).
struct DimsView {
  const int64_t* data = nullptr;
  size_t size = 0;
  DimsView() = default;
  DimsView(const int64_t* d, size_t n) : data(d), size(n) {}
  DimsView(const Shape& s) : data(s.data()), size(s.size()) {}  // NOLINT
  int64_t operator[](size_t i) const { return data[i]; }
  const int64_t* begin() const { return data; }
  const int64_t* end() const { return data + size; }
};

// Number of elements; false when a dim is negative or the product overflows.
bool CheckedElementCount(DimsView dims, int64_t* count);
// count * element_size; false on overflow.
bool CheckedByteSize(int64_t count, size_t element_size, uint64_t* bytes);

// True when `actual` has the rank of `pattern` and equals it wherever the
// pattern is not -1.
bool DimsMatch(DimsView pattern, DimsView actual);

// "[1,3,-1]"
std::string ShapeToString(DimsView dims);

}  // namespace ortbackend
