#pragma once
// Which loaded object of this process is Triton's server library.
//
// The backend cannot name the library: the pytriton wheel renames it
// (libtritonserver-<hash>.so), and an application may load it from anywhere.
// So it looks at what is loaded instead.

#include <string>

#include "common/status.h"

namespace ortbackend::triton_api {

// A reference to an already loaded library (dlopen with RTLD_NOLOAD), given
// back on destruction. Giving it back never unloads the server library: the
// process that loaded the backend holds its own reference to it.
class LoadedLibrary {
 public:
  LoadedLibrary() = default;
  LoadedLibrary(void* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  ~LoadedLibrary();
  LoadedLibrary(LoadedLibrary&& other) noexcept;
  LoadedLibrary& operator=(LoadedLibrary&& other) noexcept;
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;

  // The address of `name` in the library's scope (the library and what it
  // loaded), or null.
  void* Symbol(const char* name) const;
  // The file that defines Triton's functions, for messages.
  const std::string& path() const { return path_; }

 private:
  friend Status FindServerLibrary(LoadedLibrary* library);  // sets path_ to the defining file
  void* handle_ = nullptr;
  std::string path_;
};

// The first loaded object, in load order (the executable first), in whose
// scope both TRITONSERVER_ApiVersion and TRITONBACKEND_ApiVersion are
// defined. NotFound, saying how many objects were searched, when none is.
Status FindServerLibrary(LoadedLibrary* library);

}  // namespace ortbackend::triton_api
