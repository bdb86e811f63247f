#pragma once
// A read-only mapping of a whole file (mmap): only the pages a reader touches
// are read from disk, so a parser that skips tensor data costs nothing for it.
// Unmapped when it goes.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace ortbackend {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // NotFound when the file cannot be opened; an empty file maps to nothing.
  Status Open(const std::string& path);

  const uint8_t* begin() const { return static_cast<const uint8_t*>(data_); }
  const uint8_t* end() const { return begin() + size_; }
  size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ortbackend
