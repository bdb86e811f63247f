#include "triton_api/server_functions.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "triton/log.h"
#include "triton_api/server_library.h"

namespace ortbackend::triton_api {

ServerFunctions server_functions;

namespace {

std::mutex resolve_mutex;
bool resolved = false;  // guarded by resolve_mutex

// Fills every slot the library has; returns the names of the required
// functions it lacks, comma-separated (empty when it has them all).
std::string FillTable(const LoadedLibrary& library, ServerFunctions* table) {
  std::string missing;
#define ORTB_FILL_REQUIRED(name, arity)                                         \
  table->name = reinterpret_cast<decltype(table->name)>(library.Symbol(#name)); \
  if (table->name == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(#name);
  ORTB_TRITON_SERVER_FUNCTIONS(ORTB_FILL_REQUIRED)
#undef ORTB_FILL_REQUIRED
#define ORTB_FILL_OPTIONAL(name, type) table->name = reinterpret_cast<type>(library.Symbol(#name));
  ORTB_TRITON_OPTIONAL_FUNCTIONS(ORTB_FILL_OPTIONAL)
#undef ORTB_FILL_OPTIONAL
  return missing;
}

}  // namespace

Status ResolveServerFunctions() {
  std::lock_guard<std::mutex> lock(resolve_mutex);
  // Once per load of the backend library: every server in the process is
  // the same library, and the table must not change under running models.
  if (resolved) return Status::Ok();
  LoadedLibrary library;
  ORTB_RETURN_IF_ERROR(FindServerLibrary(&library));
  std::string missing = FillTable(library, &server_functions);
  if (!missing.empty())
    return Status::Unsupported("onnxruntime backend: the Triton server library " + library.path() +
                               " lacks functions the backend calls: " + missing +
                               ". The backend needs Triton backend API " +
                               std::to_string(TRITONBACKEND_API_VERSION_MAJOR) + "." +
                               std::to_string(TRITONBACKEND_API_VERSION_MINOR) + " or a newer minor version");
  resolved = true;
  ORTB_LOG_INFO("onnxruntime backend: Triton's functions come from " + library.path());
  // `library` gives its reference back here; the functions stay valid for as
  // long as the server that loaded the backend, which outlives the backend.
  return Status::Ok();
}

bool ServerFunctionsResolved() {
  std::lock_guard<std::mutex> lock(resolve_mutex);
  return resolved;
}

bool CanMakeServerErrors() { return server_functions.TRITONSERVER_ErrorNew != nullptr; }

TRITONSERVER_Error* FailWithoutServer(const Status& status) {
  std::fprintf(stderr, "%s\n", status.message().c_str());
  static char no_server_error;
  return reinterpret_cast<TRITONSERVER_Error*>(&no_server_error);
}

}  // namespace ortbackend::triton_api
