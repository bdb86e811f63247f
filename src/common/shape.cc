#include "common/shape.h"

#include <limits>

namespace ortbackend {

bool CheckedElementCount(DimsView dims, int64_t* count) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return false;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return false;
    n *= d;
  }
  *count = n;
  return true;
}

bool CheckedByteSize(int64_t count, size_t element_size, uint64_t* bytes) {
  if (count < 0) return false;
  const uint64_t c = static_cast<uint64_t>(count);
  if (element_size != 0 && c > std::numeric_limits<uint64_t>::max() / element_size) return false;
  *bytes = c * element_size;
  return true;
}

bool DimsMatch(DimsView pattern, DimsView actual) {
  if (pattern.size != actual.size) return false;
  for (size_t i = 0; i < pattern.size; ++i)
    if (pattern[i] != -1 && pattern[i] != actual[i]) return false;
  return true;
}

std::string ShapeToString(DimsView dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size; ++i) {
    if (i) s += ",";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace ortbackend
