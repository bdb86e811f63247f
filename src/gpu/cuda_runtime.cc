#include "gpu/cuda_runtime.h"

#include <dlfcn.h>

#include <mutex>

namespace ortbackend::gpu {
namespace {

template <typename F>
bool Bind(void* lib, const char* name, F* fn, std::string* missing) {
  *fn = reinterpret_cast<F>(dlsym(lib, name));
  if (*fn == nullptr) *missing += (missing->empty() ? "" : ", ") + std::string(name);
  return *fn != nullptr;
}

StatusOr<const CudaRuntime*> Load() {
  static const char* const kNames[] = {"libcudart.so.13", "libcudart.so.12", "libcudart.so"};
  std::string tried;
  void* lib = nullptr;
  const char* found = nullptr;
  // The newest first: the one onnxruntime-gpu 1.31 uses. Another version
  // (the server's own, or ORT 1.24's CUDA 12) would work as well: streams and
  // device pointers are driver objects of the device's primary context,
  // which every runtime in the process shares.
  for (const char* name : kNames) {
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) {
      found = name;
      break;
    }
    const char* err = dlerror();
    tried += std::string(tried.empty() ? "" : "; ") + (err ? err : name);
  }
  if (lib == nullptr)
    return Status::Unavailable(
        "CUDA runtime library not found (tried libcudart.so.13, libcudart.so.12, "
        "libcudart.so): " +
        tried +
        "; make it visible to the dynamic loader "
        "(e.g. LD_LIBRARY_PATH)");
  // Never unloaded: CUDA state (streams, buffers) may outlive any one owner.
  static CudaRuntime runtime;
  runtime.library = found;
  std::string missing;
  Bind(lib, "cudaSetDevice", &runtime.SetDevice, &missing);
  Bind(lib, "cudaMalloc", &runtime.Malloc, &missing);
  Bind(lib, "cudaFree", &runtime.Free, &missing);
  Bind(lib, "cudaMallocHost", &runtime.MallocHost, &missing);
  Bind(lib, "cudaFreeHost", &runtime.FreeHost, &missing);
  Bind(lib, "cudaMemcpyAsync", &runtime.MemcpyAsync, &missing);
  Bind(lib, "cudaStreamCreateWithFlags", &runtime.StreamCreateWithFlags, &missing);
  Bind(lib, "cudaStreamDestroy", &runtime.StreamDestroy, &missing);
  Bind(lib, "cudaStreamSynchronize", &runtime.StreamSynchronize, &missing);
  Bind(lib, "cudaStreamQuery", &runtime.StreamQuery, &missing);
  Bind(lib, "cudaGetErrorString", &runtime.GetErrorString, &missing);
  if (!missing.empty()) return Status::Unavailable(std::string(found) + " lacks the functions " + missing);
  return static_cast<const CudaRuntime*>(&runtime);
}

}  // namespace

StatusOr<const CudaRuntime*> CudaRuntime::Get() {
  static std::once_flag once;
  static StatusOr<const CudaRuntime*>* result = nullptr;
  std::call_once(once, [] { result = new StatusOr<const CudaRuntime*>(Load()); });
  return *result;
}

Status CudaRuntime::Check(CudaError err, const std::string& what) const {
  if (err == 0) return Status::Ok();
  const char* text = GetErrorString != nullptr ? GetErrorString(err) : nullptr;
  return Status::Internal(what + ": CUDA error " + std::to_string(err) + " (" + (text ? text : "?") + ")");
}

CudaStream& CudaStream::operator=(CudaStream&& o) noexcept {
  if (this != &o) {
    Reset();
    cuda_ = o.cuda_;
    stream_ = o.stream_;
    o.stream_ = nullptr;
  }
  return *this;
}

void CudaStream::Reset() {
  if (stream_ != nullptr) cuda_->StreamDestroy(stream_);
  stream_ = nullptr;
}

StatusOr<CudaStream> CudaStream::Create(const CudaRuntime* cuda, int device) {
  ORTB_RETURN_IF_ERROR(cuda->Check(cuda->SetDevice(device), "selecting GPU " + std::to_string(device)));
  CudaStream out;
  out.cuda_ = cuda;
  ORTB_RETURN_IF_ERROR(cuda->Check(cuda->StreamCreateWithFlags(&out.stream_, kCudaStreamNonBlocking),
                                   "creating a CUDA stream on GPU " + std::to_string(device)));
  return out;
}

Status CudaStream::Synchronize(const std::string& what) const {
  return cuda_->Check(cuda_->StreamSynchronize(stream_), what);
}

CudaBuffer& CudaBuffer::operator=(CudaBuffer&& o) noexcept {
  if (this != &o) {
    Reset();
    cuda_ = o.cuda_;
    kind_ = o.kind_;
    data_ = o.data_;
    capacity_ = o.capacity_;
    o.data_ = nullptr;
    o.capacity_ = 0;
  }
  return *this;
}

void CudaBuffer::Reset() {
  if (data_ != nullptr) {
    if (kind_ == Kind::kDevice)
      cuda_->Free(data_);
    else
      cuda_->FreeHost(data_);
  }
  data_ = nullptr;
  capacity_ = 0;
}

Status CudaBuffer::Reserve(size_t bytes, const std::string& what) {
  if (bytes == 0) bytes = 1;
  if (bytes <= capacity_) return Status::Ok();
  Reset();
  void* p = nullptr;
  const CudaError err = kind_ == Kind::kDevice ? cuda_->Malloc(&p, bytes) : cuda_->MallocHost(&p, bytes);
  ORTB_RETURN_IF_ERROR(cuda_->Check(err, what + ": allocating " + std::to_string(bytes) + " bytes of " +
                                             (kind_ == Kind::kDevice ? "GPU" : "pinned host") + " memory"));
  data_ = p;
  capacity_ = bytes;
  return Status::Ok();
}

}  // namespace ortbackend::gpu
