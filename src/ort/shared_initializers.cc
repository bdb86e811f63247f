#include "ort/shared_initializers.h"

#include <cstdlib>
#include <cstring>

#include "common/mapped_file.h"
#include "common/protobuf_wire.h"
#include "ort/ort_try.h"

namespace ortbackend {
namespace {

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
bool ReadTensor(WireReader w, Initializer* t) {
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
      WireReader packed(d, d + n);
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
  MappedFile m;
  ORTB_RETURN_IF_ERROR(m.Open(path));
  const Status malformed = Status::InvalidArgument("not a well-formed ONNX model file: " + path);
  auto shared = std::unique_ptr<SharedInitializers>(new SharedInitializers());
  WireReader model(m.begin(), m.end());
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
    WireReader graph(gd, gd + gn);
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
      if (!ReadTensor(WireReader(td, td + tn), &t)) return malformed;
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
      const Status s = OrtTry("wrapping the initializer '" + t.name + "'", [&] {
        Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
        OrtValue* value = nullptr;
        Ort::ThrowOnError(
            Ort::GetApi().CreateTensorWithDataAsOrtValue(cpu, buffer, t.raw_size, t.dims.data(), t.dims.size(),
                                                         static_cast<ONNXTensorElementDataType>(t.type), &value));
        shared->values_.emplace_back(value);
      });
      ORTB_RETURN_IF_ERROR(s);
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
