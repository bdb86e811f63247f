#pragma once
// Listens to ONNX Runtime's log while one session is created, to read where
// ORT placed its nodes (ort/node_placement.h says why the log is the only
// source). The session gets a logging function of its own
// (SetUserLoggingFunction) and VERBOSE severity, which is when ORT reports
// the placement; the environment's logger and every other session are left
// alone. Messages of WARNING and above still reach stderr as ORT would print
// them; the rest is dropped once the session exists.
//
// The session keeps the logging function for its lifetime (its runs log
// through it), so the function and its state are process-wide, not owned by
// the capture. Runs of such a session should set their own log severity
// (RunOptions::SetRunLogSeverityLevel) so they do not inherit VERBOSE.

#include <memory>
#include <string>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"
#include "load/model_source.h"
#include "ort/node_placement.h"

namespace ortbackend {

class PlacementCapture {
 public:
  // Prepares `options` (before the session is created from them) and starts
  // listening for the log id it gives them.
  static Status Attach(Ort::SessionOptions* options, std::unique_ptr<PlacementCapture>* out);

  PlacementCapture(const PlacementCapture&) = delete;
  PlacementCapture& operator=(const PlacementCapture&) = delete;
  ~PlacementCapture();  // stops listening

  // What ORT reported so far (call after the session is created).
  NodePlacement Take();

 private:
  explicit PlacementCapture(std::string log_id) : log_id_(std::move(log_id)) {}
  std::string log_id_;
};

// Creates a session from `options` (as ort/session_factory.h's
// CreateSession) and reads where ORT placed its nodes: the one way the
// backend and ort-model-config --providers create sessions. `prepacked` as
// for CreateSession.
Status CreateSessionWithPlacement(Ort::Env& env, const ModelSource& model, Ort::SessionOptions* options,
                                  std::unique_ptr<Ort::Session>* out, NodePlacement* placement,
                                  OrtPrepackedWeightsContainer* prepacked = nullptr);

}  // namespace ortbackend
