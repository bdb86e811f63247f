#pragma once
// Bytes that are overwritten with zeros when their memory is released
// (destruction, reallocation): for plaintext of protected models held in
// std::vector form (docs/model_protection.md).

#include <string.h>  // explicit_bzero

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ortbackend {

template <typename T>
struct WipingAllocator : std::allocator<T> {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = WipingAllocator<U>;
  };
  WipingAllocator() = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) {}  // NOLINT(runtime/explicit)
  void deallocate(T* p, size_t n) {
    explicit_bzero(p, n * sizeof(T));
    std::allocator<T>::deallocate(p, n);
  }
};

using WipedBytes = std::vector<uint8_t, WipingAllocator<uint8_t>>;

}  // namespace ortbackend
