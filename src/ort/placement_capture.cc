#include "ort/placement_capture.h"

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>

#include "ort/ort_try.h"
#include "ort/session_factory.h"

namespace ortbackend {
namespace {

// The sessions being created whose placement is wanted, by log id. Never
// destroyed: sessions created with the logging function below may log
// through it until the process ends.
struct Listeners {
  std::mutex mutex;
  std::map<std::string, NodePlacementParser> by_log_id;
  std::atomic<int> active{0};
  uint64_t next_id = 0;  // under mutex
};

Listeners& TheListeners() {
  static Listeners* listeners = new Listeners();
  return *listeners;
}

char SeverityLetter(OrtLoggingLevel severity) {
  switch (severity) {
    case ORT_LOGGING_LEVEL_VERBOSE: return 'V';
    case ORT_LOGGING_LEVEL_INFO: return 'I';
    case ORT_LOGGING_LEVEL_WARNING: return 'W';
    case ORT_LOGGING_LEVEL_ERROR: return 'E';
    default: return 'F';
  }
}

void ORT_API_CALL OnSessionLog(void* param, OrtLoggingLevel severity, const char* category, const char* logid,
                               const char* code_location, const char* message) {
  auto* listeners = static_cast<Listeners*>(param);
  if (severity >= ORT_LOGGING_LEVEL_WARNING) {
    // What ORT's default logger would have printed, in its layout.
    std::fprintf(stderr, "[%c:%s:%s, %s] %s\n", SeverityLetter(severity), category ? category : "onnxruntime",
                 logid ? logid : "", code_location ? code_location : "", message ? message : "");
  }
  // The common case once every session exists: one atomic load.
  if (listeners->active.load(std::memory_order_acquire) == 0 || logid == nullptr || message == nullptr) return;
  std::lock_guard<std::mutex> lock(listeners->mutex);
  auto it = listeners->by_log_id.find(logid);
  if (it != listeners->by_log_id.end()) it->second.Feed(message);
}

}  // namespace

Status PlacementCapture::Attach(Ort::SessionOptions* options, std::unique_ptr<PlacementCapture>* out) {
  Listeners& listeners = TheListeners();
  std::string log_id;
  {
    std::lock_guard<std::mutex> lock(listeners.mutex);
    log_id = "onnxruntime-backend-session-" + std::to_string(++listeners.next_id);
  }
  Status s = OrtTry("preparing the session's placement report", [&] {
    options->SetLogId(log_id.c_str());
    options->SetLogSeverityLevel(ORT_LOGGING_LEVEL_VERBOSE);  // ORT reports placements only at VERBOSE
    Ort::ThrowOnError(Ort::GetApi().SetUserLoggingFunction(*options, OnSessionLog, &listeners));
  });
  ORTB_RETURN_IF_ERROR(s);
  {
    std::lock_guard<std::mutex> lock(listeners.mutex);
    listeners.by_log_id.emplace(log_id, NodePlacementParser());
  }
  listeners.active.fetch_add(1, std::memory_order_release);
  out->reset(new PlacementCapture(std::move(log_id)));
  return Status::Ok();
}

PlacementCapture::~PlacementCapture() {
  Listeners& listeners = TheListeners();
  std::lock_guard<std::mutex> lock(listeners.mutex);
  if (listeners.by_log_id.erase(log_id_) > 0) listeners.active.fetch_sub(1, std::memory_order_release);
}

NodePlacement PlacementCapture::Take() {
  Listeners& listeners = TheListeners();
  std::lock_guard<std::mutex> lock(listeners.mutex);
  auto it = listeners.by_log_id.find(log_id_);
  return it == listeners.by_log_id.end() ? NodePlacement() : it->second.placement();
}

Status CreateSessionWithPlacement(Ort::Env& env, const ModelSource& model, Ort::SessionOptions* options,
                                  std::unique_ptr<Ort::Session>* out, NodePlacement* placement,
                                  OrtPrepackedWeightsContainer* prepacked) {
  std::unique_ptr<PlacementCapture> capture;
  ORTB_RETURN_IF_ERROR(PlacementCapture::Attach(options, &capture));
  ORTB_RETURN_IF_ERROR(CreateSession(env, model, *options, out, prepacked));
  *placement = capture->Take();
  return Status::Ok();
}

}  // namespace ortbackend
