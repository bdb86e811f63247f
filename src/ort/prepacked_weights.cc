#include "ort/prepacked_weights.h"

#include "ort/ort_try.h"

namespace ortbackend {

PrepackedWeights::~PrepackedWeights() {
  if (container_ != nullptr) Ort::GetApi().ReleasePrepackedWeightsContainer(container_);
}

PrepackedWeights& PrepackedWeights::operator=(PrepackedWeights&& other) noexcept {
  if (this != &other) {
    if (container_ != nullptr) Ort::GetApi().ReleasePrepackedWeightsContainer(container_);
    container_ = other.container_;
    other.container_ = nullptr;
  }
  return *this;
}

Status PrepackedWeights::Create(PrepackedWeights* out) {
  return OrtTry("creating the pre-packed weights container", [&] {
    OrtPrepackedWeightsContainer* container = nullptr;
    Ort::ThrowOnError(Ort::GetApi().CreatePrepackedWeightsContainer(&container));
    PrepackedWeights made;
    made.container_ = container;
    *out = std::move(made);
  });
}

}  // namespace ortbackend
