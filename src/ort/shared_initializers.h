#pragma once
// The weights of one model file, read once and handed to every session of
// the model that has a session per instance (SessionOptions::AddInitializer).
// With the model's pre-packed weights container, ORT then keeps one
// pre-packed copy of them for all those sessions, and none of the sessions
// keeps a copy of its own: N sessions hold the weights twice (this copy and
// the pre-packed one) instead of N times.
//
// Only the main graph's initializers whose data sit in the model file itself
// (TensorProto.raw_data) of a fixed-size numeric type are taken; the rest
// (external data, string tensors, typed *_data fields) each session still
// reads from the file. The copy is 64-byte aligned (the file's offsets are
// not). Thread-safety: immutable after Read; AddTo may run concurrently.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "common/status.h"

namespace ortbackend {

class SharedInitializers {
 public:
  // Reads the initializers of `path` (an ONNX ModelProto). InvalidArgument
  // when the file is not a well-formed protobuf message.
  static Status Read(const std::string& path, std::unique_ptr<SharedInitializers>* out);

  // Adds every initializer to `options` (the values must outlive the
  // sessions created with them: keep this object alive as long).
  Status AddTo(Ort::SessionOptions* options) const;

  size_t count() const { return names_.size(); }
  uint64_t bytes() const { return bytes_; }

 private:
  struct AlignedFree {
    void operator()(void* p) const;
  };
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<void, AlignedFree>> buffers_;
  std::vector<Ort::Value> values_;
  uint64_t bytes_ = 0;
};

}  // namespace ortbackend
