#pragma once
// The one error type of the backend: a code and a message, returned by value
// up to the entry point that knows whom to tell (a request, a model load, the
// backend load). It is converted to a TRITONSERVER_Error* in exactly one place,
// triton/error.h.

#include <string>
#include <utility>

namespace ortbackend {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kUnsupported,
  kUnavailable,
  kInternal,
  kCancelled,
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is prefixed with `context` (e.g. the model
  // name), keeping the code.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the error that prevented it.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T&& take() { return std::move(value_); }

 private:
  Status status_;
  T value_{};
};

}  // namespace ortbackend

// Returns the Status of `expr` from the enclosing function when it is an
// error: the one way code here stops at a failed step (the partner of
// LogIfError, for errors that have no caller to go to). A macro, so the
// return stays a return of the caller's. The status is bound, not copied:
// the hot path passes statuses it already holds, and only an error is
// copied out.
#define ORTB_RETURN_IF_ERROR(expr)               \
  do {                                           \
    auto&& ortb_status_ = (expr);                \
    if (!ortb_status_.ok()) return ortb_status_; \
  } while (false)
