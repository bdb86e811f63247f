#pragma once
// ORT's pre-packed weights container, owned (move-only RAII). Sessions of one
// model created with the same container keep one pre-packed copy (e.g.
// MLAS's packed MatMul B) of each *shared* initializer -- one given to every
// session with SessionOptions::AddInitializer -- instead of one per session.
// Initializers a session reads from the model file are not shared this way.
// The container must outlive every session created with it.

#include <onnxruntime_cxx_api.h>

#include "common/status.h"

namespace ortbackend {

class PrepackedWeights {
 public:
  PrepackedWeights() = default;
  ~PrepackedWeights();
  PrepackedWeights(PrepackedWeights&& other) noexcept : container_(other.container_) { other.container_ = nullptr; }
  PrepackedWeights& operator=(PrepackedWeights&& other) noexcept;
  PrepackedWeights(const PrepackedWeights&) = delete;
  PrepackedWeights& operator=(const PrepackedWeights&) = delete;

  static Status Create(PrepackedWeights* out);
  OrtPrepackedWeightsContainer* get() const { return container_; }

 private:
  OrtPrepackedWeightsContainer* container_ = nullptr;
};

}  // namespace ortbackend
