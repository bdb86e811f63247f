#pragma once
// JSON <-> TRITONSERVER_Message.

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

// Parses a message's JSON. Does not take ownership of `message`. With
// `text`, also returns the JSON as the server serialized it (its key order).
Status JsonFromMessage(TRITONSERVER_Message* message, nlohmann::json* out, std::string* text = nullptr);

// Owns a TRITONSERVER_Message.
class MessagePtr {
 public:
  explicit MessagePtr(TRITONSERVER_Message* m = nullptr) : m_(m) {}
  MessagePtr(const MessagePtr&) = delete;
  MessagePtr& operator=(const MessagePtr&) = delete;
  ~MessagePtr();
  TRITONSERVER_Message* get() const { return m_; }
  TRITONSERVER_Message** receive() { return &m_; }

 private:
  TRITONSERVER_Message* m_;
};

StatusOr<nlohmann::json> ParseJson(const char* data, size_t size, const char* what);

}  // namespace ortbackend
