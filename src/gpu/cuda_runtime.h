#pragma once
// The few CUDA runtime calls the GPU data path needs (device buffers, pinned
// host buffers, a stream per instance, async copies), loaded at run time.
//
// Why dlopen and not the CUDA headers: the CI and build machines have no CUDA
// toolkit (and the pip CUDA runtime wheel in .deps is CUDA 12 only), and the
// CPU build must compile and run without one. The runtime library is the one
// ONNX Runtime's CUDA provider loads too (libcudart.so.13 for
// onnxruntime-gpu 1.31, .12 for 1.24); all runtimes in a process share the
// device's primary context, so device pointers and streams made here are
// valid for ORT's kernels. The declarations below are the runtime's
// documented C signatures and enum values, nothing more.
//
// Every handle is owned by a move-only RAII type. Errors come back as Status
// values naming what was being done.

#include <cstddef>
#include <string>

#include "common/status.h"

namespace ortbackend::gpu {

// cudaError_t is an int enum; 0 is cudaSuccess.
using CudaError = int;
// cudaStream_t is an opaque pointer.
using CudaStreamHandle = void*;

// cudaMemcpyKind: cudaMemcpyDefault infers the direction from the pointers
// (unified virtual addressing, always on for 64-bit CUDA >= 4 on Linux).
constexpr int kCudaMemcpyDefault = 4;
// cudaStreamNonBlocking: the stream does not synchronize with stream 0, so
// one instance's work never waits for another's default-stream work.
constexpr unsigned kCudaStreamNonBlocking = 0x01;

class CudaRuntime {
 public:
  // Loads the runtime once per process (thread-safe). Tries libcudart.so.13,
  // then .12, then the unversioned name; the error lists what was tried.
  static StatusOr<const CudaRuntime*> Get();

  CudaError (*SetDevice)(int) = nullptr;
  CudaError (*Malloc)(void**, size_t) = nullptr;
  CudaError (*Free)(void*) = nullptr;
  CudaError (*MallocHost)(void**, size_t) = nullptr;
  CudaError (*FreeHost)(void*) = nullptr;
  CudaError (*MemcpyAsync)(void*, const void*, size_t, int, CudaStreamHandle) = nullptr;
  CudaError (*StreamCreateWithFlags)(CudaStreamHandle*, unsigned) = nullptr;
  CudaError (*StreamDestroy)(CudaStreamHandle) = nullptr;
  CudaError (*StreamSynchronize)(CudaStreamHandle) = nullptr;
  CudaError (*StreamQuery)(CudaStreamHandle) = nullptr;
  const char* (*GetErrorString)(CudaError) = nullptr;

  // Ok for cudaSuccess; otherwise an Internal status "<what>: <CUDA's text>".
  Status Check(CudaError err, const std::string& what) const;

  std::string library;  // the soname that was loaded
};

// A CUDA stream on one device, destroyed with its owner.
class CudaStream {
 public:
  CudaStream() = default;
  CudaStream(CudaStream&& o) noexcept { *this = std::move(o); }
  CudaStream& operator=(CudaStream&& o) noexcept;
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  ~CudaStream() { Reset(); }

  static StatusOr<CudaStream> Create(const CudaRuntime* cuda, int device);
  CudaStreamHandle get() const { return stream_; }
  Status Synchronize(const std::string& what) const;
  // cudaStreamQuery: 0 when idle, cudaErrorNotReady (600) while work is
  // queued, else the error the stream (or the device's context) holds.
  // Waits for nothing; safe from any thread.
  CudaError Query() const { return cuda_->StreamQuery(stream_); }

 private:
  void Reset();
  const CudaRuntime* cuda_ = nullptr;
  CudaStreamHandle stream_ = nullptr;
};

// A growable buffer, in device memory (cudaMalloc) or pinned host memory
// (cudaMallocHost). Reserve() keeps the address when the buffer is already
// large enough, which CUDA graphs rely on (the same bytes every replay).
class CudaBuffer {
 public:
  enum class Kind { kDevice, kPinnedHost };
  CudaBuffer() = default;
  CudaBuffer(const CudaRuntime* cuda, Kind kind) : cuda_(cuda), kind_(kind) {}
  CudaBuffer(CudaBuffer&& o) noexcept { *this = std::move(o); }
  CudaBuffer& operator=(CudaBuffer&& o) noexcept;
  CudaBuffer(const CudaBuffer&) = delete;
  CudaBuffer& operator=(const CudaBuffer&) = delete;
  ~CudaBuffer() { Reset(); }

  // At least `bytes` (and at least 1, so the address is never null). The
  // contents are not kept when it grows. Device buffers are allocated on the
  // calling thread's current device.
  Status Reserve(size_t bytes, const std::string& what);
  void* data() const { return data_; }
  size_t capacity() const { return capacity_; }

 private:
  void Reset();
  const CudaRuntime* cuda_ = nullptr;
  Kind kind_ = Kind::kDevice;
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace ortbackend::gpu
