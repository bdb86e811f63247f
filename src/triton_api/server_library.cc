#include "triton_api/server_library.h"

#include <dlfcn.h>
#include <link.h>

#include <utility>
#include <vector>

namespace ortbackend::triton_api {
namespace {

// Both markers, so that a library that only uses Triton's API (and so
// might re-export a symbol or two) is not taken for the server.
constexpr const char* kServerMarker = "TRITONSERVER_ApiVersion";
constexpr const char* kBackendApiMarker = "TRITONBACKEND_ApiVersion";

int CollectName(dl_phdr_info* info, size_t /*size*/, void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(info->dlpi_name != nullptr ? info->dlpi_name : "");
  return 0;  // go on to the next object
}

// The file that defines `symbol`: the object a scope search found it in.
std::string DefiningFile(void* symbol, const std::string& fallback) {
  Dl_info info{};
  if (dladdr(symbol, &info) != 0 && info.dli_fname != nullptr && info.dli_fname[0] != '\0') return info.dli_fname;
  return fallback;
}

}  // namespace

LoadedLibrary::~LoadedLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

LoadedLibrary::LoadedLibrary(LoadedLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), path_(std::move(other.path_)) {}

LoadedLibrary& LoadedLibrary::operator=(LoadedLibrary&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) dlclose(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void* LoadedLibrary::Symbol(const char* name) const { return handle_ != nullptr ? dlsym(handle_, name) : nullptr; }

Status FindServerLibrary(LoadedLibrary* library) {
  // Names first, dlopen after: dl_iterate_phdr holds the loader's lock while
  // it calls back, so the callback only copies names.
  std::vector<std::string> names;
  dl_iterate_phdr(CollectName, &names);
  bool probed_failed = false;
  for (const std::string& name : names) {
    // The executable has an empty name; dlopen(nullptr) gives its scope,
    // which also holds every library it links (the tritonserver binary's
    // case) or that was loaded RTLD_GLOBAL. A library loaded RTLD_LOCAL
    // (an application's dlopen of libtritonserver.so) is found by its own
    // name further on.
    void* handle = name.empty() ? dlopen(nullptr, RTLD_LAZY) : dlopen(name.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) {
      probed_failed = true;
      continue;
    }
    LoadedLibrary candidate(handle, name);
    void* marker = candidate.Symbol(kServerMarker);
    if (marker == nullptr || candidate.Symbol(kBackendApiMarker) == nullptr) {
      probed_failed = true;
      continue;
    }
    *library = std::move(candidate);
    library->path_ = DefiningFile(marker, name.empty() ? "the executable" : name);
    // The probes that missed left an error for dlerror(); clear it so that
    // the server's own next dlerror() does not read ours.
    if (probed_failed) dlerror();
    return Status::Ok();
  }
  if (probed_failed) dlerror();
  return Status::NotFound("onnxruntime backend: no Triton server library is loaded in this process: none of its " +
                          std::to_string(names.size()) + " loaded objects defines " + kServerMarker + " and " +
                          kBackendApiMarker +
                          ". The backend must be loaded by a Triton server: the tritonserver program, or an "
                          "application that has loaded libtritonserver.so (under any file name)");
}

}  // namespace ortbackend::triton_api
