// A stand-in for a Triton server library that lacks most of the functions
// the backend calls (as a server older than backend API 1.19 would): it has
// the two functions by which the backend recognizes a server library, and
// errors. test_embedded_server.py loads it RTLD_LOCAL into a process and
// checks that the backend's TRITONBACKEND_Initialize returns an error, made
// with these functions, that names the missing ones. No real server can play
// this part: every Triton the tests run has all of them.

#include <string>

#include "triton_api/tritonserver_api.h"

struct TRITONSERVER_Error {
  TRITONSERVER_Error_Code code;
  std::string message;
};

extern "C" {

__attribute__((visibility("default"))) TRITONSERVER_Error* TRITONSERVER_ApiVersion(uint32_t* major,
                                                                                    uint32_t* minor) {
  *major = 1;
  *minor = 34;
  return nullptr;
}

__attribute__((visibility("default"))) TRITONSERVER_Error* TRITONBACKEND_ApiVersion(uint32_t* major,
                                                                                     uint32_t* minor) {
  *major = 1;
  *minor = 19;
  return nullptr;
}

__attribute__((visibility("default"))) TRITONSERVER_Error* TRITONSERVER_ErrorNew(TRITONSERVER_Error_Code code,
                                                                                  const char* msg) {
  return new TRITONSERVER_Error{code, msg};
}

__attribute__((visibility("default"))) const char* TRITONSERVER_ErrorMessage(TRITONSERVER_Error* error) {
  return error->message.c_str();
}

__attribute__((visibility("default"))) TRITONSERVER_Error_Code TRITONSERVER_ErrorCode(TRITONSERVER_Error* error) {
  return error->code;
}

__attribute__((visibility("default"))) void TRITONSERVER_ErrorDelete(TRITONSERVER_Error* error) { delete error; }

}  // extern "C"
