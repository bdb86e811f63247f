#include "ort/shared_initializers.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ort/ort_try.h"

namespace ortbackend {
namespace {

// A read-only mapping of the model file, unmapped when done.
struct Mapping {
  const uint8_t* data = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (data != nullptr) munmap(const_cast<uint8_t*>(data), size);
  }
};

Status MapFile(const std::string& path, Mapping* m) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  Status s;
  if (fstat(fd, &st) != 0) {
    s = Status::Internal("cannot stat " + path + ": " + std::strerror(errno));
  } else if (st.st_size > 0) {
    void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      s = Status::Internal("cannot map " + path + ": " + std::strerror(errno));
    } else {
      m->data = static_cast<const uint8_t*>(p);
      m->size = static_cast<size_t>(st.st_size);
    }
  }
  close(fd);
  return s;
}

// The protobuf wire format, as much of it as onnx.proto's ModelProto uses.
class Wire {
 public:
  Wire(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}
  bool done() const { return p_ >= end_; }
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const uint8_t b = *p_++;
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Tag(uint32_t* field, int* wire) {
    uint64_t t;
    if (!Varint(&t) || (t >> 3) == 0) return false;
    *field = static_cast<uint32_t>(t >> 3);
    *wire = static_cast<int>(t & 7);
    return true;
  }
  bool Bytes(const uint8_t** d, size_t* n) {
    uint64_t len;
    if (!Varint(&len) || len > static_cast<uint64_t>(end_ - p_)) return false;
    *d = p_;
    *n = static_cast<size_t>(len);
    p_ += len;
    return true;
  }
  bool Skip(int wire) {
    uint64_t v;
    const uint8_t* d;
    size_t n;
    switch (wire) {
      case 0: return Varint(&v);
      case 1: return Advance(8);
      case 2: return Bytes(&d, &n);
      case 5: return Advance(4);
      default: return false;
    }
  }

 private:
  bool Advance(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) return false;
    p_ += n;
    return true;
  }
  const uint8_t* p_;
  const uint8_t* end_;
};

// Bytes per element of the fixed-size numeric ONNX types ORT's enum shares
// (ONNXTensorElementDataType has TensorProto.DataType's values); 0: not taken.
size_t ElementBytes(uint64_t type) {
  switch (type) {
    case 1:
    case 6:
    case 12: return 4;  // FLOAT, INT32, UINT32
    case 2:
    case 3:
    case 9: return 1;  // UINT8, INT8, BOOL
    case 4:
    case 5:
    case 10:
    case 16: return 2;  // UINT16, INT16, FLOAT16, BFLOAT16
    case 7:
    case 11:
    case 13: return 8;  // INT64, DOUBLE, UINT64
    default: return 0;
  }
}

struct Initializer {
  std::string name;
  std::vector<int64_t> dims;
  uint64_t type = 0;
  const uint8_t* raw = nullptr;
  size_t raw_size = 0;
  bool external = false;
  bool other_data = false;  // typed *_data fields instead of raw_data
};

// TensorProto: 1 dims, 2 data_type, 4-7/10/11 typed data, 8 name, 9 raw_data,
// 14 data_location.
bool ReadTensor(Wire w, Initializer* t) {
  while (!w.done()) {
    uint32_t field;
    int wire;
    if (!w.Tag(&field, &wire)) return false;
    uint64_t v;
    const uint8_t* d;
    size_t n;
    if (field == 1 && wire == 0) {
      if (!w.Varint(&v)) return false;
      t->dims.push_back(static_cast<int64_t>(v));
    } else if (field == 1 && wire == 2) {
      if (!w.Bytes(&d, &n)) return false;
      Wire packed(d, d + n);
      while (!packed.done()) {
        if (!packed.Varint(&v)) return false;
        t->dims.push_back(static_cast<int64_t>(v));
      }
    } else if (field == 2 && wire == 0) {
      if (!w.Varint(&t->type)) return false;
    } else if (field == 8 && wire == 2) {
      if (!w.Bytes(&d, &n)) return false;
      t->name.assign(reinterpret_cast<const char*>(d), n);
    } else if (field == 9 && wire == 2) {
      if (!w.Bytes(&t->raw, &t->raw_size)) return false;
    } else if (field == 14 && wire == 0) {
      if (!w.Varint(&v)) return false;
      t->external = v == 1;
    } else {
      if ((field >= 4 && field <= 7) || field == 10 || field == 11) t->other_data = true;
      if (!w.Skip(wire)) return false;
    }
  }
  return true;
}

}  // namespace

void SharedInitializers::AlignedFree::operator()(void* p) const { std::free(p); }

Status SharedInitializers::Read(const std::string& path, std::unique_ptr<SharedInitializers>* out) {
  Mapping m;
  Status s = MapFile(path, &m);
  if (!s.ok()) return s;
  const Status malformed = Status::InvalidArgument("not a well-formed ONNX model file: " + path);
  auto shared = std::unique_ptr<SharedInitializers>(new SharedInitializers());
  Wire model(m.data, m.data + m.size);
  while (!model.done()) {
    uint32_t field;
    int wire;
    if (!model.Tag(&field, &wire)) return malformed;
    if (!(field == 7 && wire == 2)) {  // ModelProto.graph
      if (!model.Skip(wire)) return malformed;
      continue;
    }
    const uint8_t* gd;
    size_t gn;
    if (!model.Bytes(&gd, &gn)) return malformed;
    Wire graph(gd, gd + gn);
    while (!graph.done()) {
      if (!graph.Tag(&field, &wire)) return malformed;
      if (!(field == 5 && wire == 2)) {  // GraphProto.initializer
        if (!graph.Skip(wire)) return malformed;
        continue;
      }
      const uint8_t* td;
      size_t tn;
      if (!graph.Bytes(&td, &tn)) return malformed;
      Initializer t;
      if (!ReadTensor(Wire(td, td + tn), &t)) return malformed;
      const size_t elem = ElementBytes(t.type);
      if (elem == 0 || t.external || t.other_data || t.raw == nullptr || t.name.empty()) continue;
      uint64_t elements = 1;
      bool valid = true;
      for (int64_t d : t.dims) {
        if (d < 0 || (d > 0 && elements > UINT64_MAX / static_cast<uint64_t>(d)))
          valid = false;
        else
          elements *= static_cast<uint64_t>(d);
      }
      if (!valid || elements * elem != t.raw_size || t.raw_size == 0) continue;
      // One 64-byte-aligned copy; the mapping goes away when Read returns.
      void* buffer = std::aligned_alloc(64, (t.raw_size + 63) / 64 * 64);
      if (buffer == nullptr) return Status::Internal("out of memory copying the initializer '" + t.name + "'");
      std::memcpy(buffer, t.raw, t.raw_size);
      shared->buffers_.emplace_back(buffer);
      s = OrtTry("wrapping the initializer '" + t.name + "'", [&] {
        Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
        OrtValue* value = nullptr;
        Ort::ThrowOnError(
            Ort::GetApi().CreateTensorWithDataAsOrtValue(cpu, buffer, t.raw_size, t.dims.data(), t.dims.size(),
                                                         static_cast<ONNXTensorElementDataType>(t.type), &value));
        shared->values_.emplace_back(value);
      });
      if (!s.ok()) return s;
      shared->names_.push_back(t.name);
      shared->bytes_ += t.raw_size;
    }
  }
  *out = std::move(shared);
  return Status::Ok();
}

Status SharedInitializers::AddTo(Ort::SessionOptions* options) const {
  return OrtTry("adding the model's shared initializers", [&] {
    for (size_t i = 0; i < names_.size(); ++i) options->AddInitializer(names_[i].c_str(), values_[i]);
  });
}

}  // namespace ortbackend
