#include "common/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ortbackend {

MappedFile::~MappedFile() {
  if (data_ != nullptr) munmap(data_, size_);
}

Status MappedFile::Open(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  Status s;
  if (fstat(fd, &st) != 0) {
    s = Status::Internal("cannot stat " + path + ": " + std::strerror(errno));
  } else if (st.st_size > 0) {
    void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      s = Status::Internal("cannot map " + path + ": " + std::strerror(errno));
    } else {
      data_ = p;
      size_ = static_cast<size_t>(st.st_size);
    }
  }
  close(fd);
  return s;
}

}  // namespace ortbackend
