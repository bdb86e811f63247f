#include "triton/message.h"

#include "triton/error.h"

namespace ortbackend {

MessagePtr::~MessagePtr() {
  if (m_ != nullptr) {
    TRITONSERVER_Error* err = TRITONSERVER_MessageDelete(m_);
    LogIfError(err, "", "deleting a server message");
  }
}

StatusOr<nlohmann::json> ParseJson(const char* data, size_t size, const char* what) {
  auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument(std::string(what) + " is not valid JSON");
  return j;
}

Status JsonFromMessage(TRITONSERVER_Message* message, nlohmann::json* out, std::string* text) {
  const char* buf = nullptr;
  size_t size = 0;
  ORTB_RETURN_IF_ERROR(
      FromTritonError(TRITONSERVER_MessageSerializeToJson(message, &buf, &size), "reading a server message"));
  auto parsed = ParseJson(buf, size, "server message");
  if (!parsed.ok()) return parsed.status();
  *out = parsed.take();
  if (text != nullptr) text->assign(buf, size);
  return Status::Ok();
}

}  // namespace ortbackend
