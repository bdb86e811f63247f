#pragma once
// Invariant checks for the fuzz targets: a broken invariant prints what broke
// and aborts, which libFuzzer records as a crash with its reproducer.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ortbackend_fuzz {

[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void Require(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

}  // namespace ortbackend_fuzz
