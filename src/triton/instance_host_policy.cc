#include "triton/instance_host_policy.h"

#include "triton/error.h"
#include "triton/message.h"

namespace ortbackend {

Status ReadInstanceHostPolicy(TRITONBACKEND_ModelInstance* instance, HostPolicy* out) {
  TRITONSERVER_Message* message = nullptr;  // owned by the server
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONBACKEND_ModelInstanceHostPolicy(instance, &message), "reading the instance's host policy"));
  nlohmann::json json;
  ORTB_RETURN_IF_ERROR(JsonFromMessage(message, &json));
  return ParseHostPolicy(json, out);
}

}  // namespace ortbackend
