#pragma once
// What a session is made from: a model file ONNX Runtime opens itself (a
// plain model, as always), or the bytes of an encrypted model decrypted in
// memory (load/decrypted_model.h). Plain data; src/ort/ turns it into a
// session (ort/session_factory.h).

#include <string>

namespace ortbackend {

class DecryptedModel;

struct ModelSource {
  // Implicit, so a path reads as a plain model wherever a source is expected.
  ModelSource(std::string model_path) : path(std::move(model_path)) {}  // NOLINT(runtime/explicit)
  ModelSource(const char* model_path) : path(model_path) {}             // NOLINT(runtime/explicit)

  // The model file: what ONNX Runtime opens for a plain model, and what
  // messages name in either case.
  std::string path;
  // Not null for an encrypted model: its plaintext, owned by the caller,
  // alive until the session exists.
  const DecryptedModel* decrypted = nullptr;
};

}  // namespace ortbackend
