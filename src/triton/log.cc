#include "triton/log.h"

namespace ortbackend {

void Log(TRITONSERVER_LogLevel level, const char* file, int line, const std::string& msg) {
  if (!TRITONSERVER_LogIsEnabled(level)) return;
  TRITONSERVER_Error* err = TRITONSERVER_LogMessage(level, file, line, msg.c_str());
  if (err != nullptr) TRITONSERVER_ErrorDelete(err);  // nowhere better to report it
}

bool VerboseLogEnabled() { return TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_VERBOSE); }

}  // namespace ortbackend
