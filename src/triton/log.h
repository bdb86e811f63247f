#pragma once
// Logging through the server's log, so our lines share its format and levels.

#include <string>

#include "triton_api/tritonserver_api.h"

namespace ortbackend {

void Log(TRITONSERVER_LogLevel level, const char* file, int line, const std::string& msg);
bool VerboseLogEnabled();

}  // namespace ortbackend

#define ORTB_LOG_INFO(msg) ::ortbackend::Log(TRITONSERVER_LOG_INFO, __FILE__, __LINE__, (msg))
#define ORTB_LOG_WARN(msg) ::ortbackend::Log(TRITONSERVER_LOG_WARN, __FILE__, __LINE__, (msg))
#define ORTB_LOG_ERROR(msg) ::ortbackend::Log(TRITONSERVER_LOG_ERROR, __FILE__, __LINE__, (msg))
// Verbose lines are built only when verbose logging is on.
#define ORTB_LOG_VERBOSE(msg)                                                                                      \
  do {                                                                                                             \
    if (::ortbackend::VerboseLogEnabled()) ::ortbackend::Log(TRITONSERVER_LOG_VERBOSE, __FILE__, __LINE__, (msg)); \
  } while (false)
