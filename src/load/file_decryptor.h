#pragma once
// One decryptor library the operator registered (include/triton_onnxruntime/
// decryptor.h): loaded with dlopen, its ABI version and every symbol checked,
// and one decryptor created from the operator's options. Thread-safe after
// Open (the ABI requires decrypt and free to be).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "triton_onnxruntime/decryptor.h"

namespace ortbackend {

class FileDecryptor;

// One decrypted file: the library's buffer, overwritten with zeros and
// handed back to the library when this goes (or on Release). Move-only.
class PlaintextBuffer {
 public:
  PlaintextBuffer() = default;
  PlaintextBuffer(PlaintextBuffer&& other) noexcept { *this = std::move(other); }
  PlaintextBuffer& operator=(PlaintextBuffer&& other) noexcept;
  PlaintextBuffer(const PlaintextBuffer&) = delete;
  PlaintextBuffer& operator=(const PlaintextBuffer&) = delete;
  ~PlaintextBuffer() { Release(); }

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Wipes the bytes and returns the buffer to its library now.
  void Release();

 private:
  friend class FileDecryptor;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  const FileDecryptor* owner_ = nullptr;
};

class FileDecryptor {
 public:
  // Loads the library at `path`, registered as `name`, and creates its
  // decryptor with `options` ("KEY=VALUE" each). InvalidArgument naming
  // the library when it cannot be loaded, lacks a symbol, has another ABI
  // version, or refuses the options (with its message).
  static Status Open(const std::string& name, const std::string& path, const std::vector<std::string>& options,
                     std::unique_ptr<FileDecryptor>* out);
  ~FileDecryptor();
  FileDecryptor(const FileDecryptor&) = delete;
  FileDecryptor& operator=(const FileDecryptor&) = delete;

  const std::string& name() const { return name_; }
  const std::string& library() const { return library_; }

  // Decrypts one file's bytes. `relative_path` is the file's path relative
  // to the version directory. On failure, InvalidArgument with the library's
  // message (the caller names the model and the file).
  Status Decrypt(const std::string& model_name, const std::string& relative_path, const uint8_t* data, size_t size,
                 PlaintextBuffer* out) const;

 private:
  friend class PlaintextBuffer;
  struct Api {
    uint32_t (*abi_version)(void);
    int (*create)(const char*, OrtbDecryptor**, char**);
    void (*destroy)(OrtbDecryptor*);
    int (*decrypt)(OrtbDecryptor*, const char*, const char*, const uint8_t*, size_t, uint8_t**, size_t*, char**);
    void (*free_plaintext)(OrtbDecryptor*, uint8_t*, size_t);
    void (*free_error)(char*);
  };
  FileDecryptor(std::string name, std::string library) : name_(std::move(name)), library_(std::move(library)) {}
  // The library's message (released), or `fallback` when it gave none.
  std::string TakeError(char* error, const std::string& fallback) const;

  std::string name_;
  std::string library_;
  void* handle_ = nullptr;
  Api api_{};
  OrtbDecryptor* decryptor_ = nullptr;
};

}  // namespace ortbackend
