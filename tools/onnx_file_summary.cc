#include "onnx_file_summary.h"

#include <cstring>
#include <limits>

#include "common/mapped_file.h"
#include "common/protobuf_wire.h"
#include "common/shape.h"

namespace ortbackend {
namespace {

// Bits per element of an ONNX TensorProto.DataType; 0 for STRING (sized by
// its data) and for types this table does not know.
int ElementBits(int64_t onnx_type) {
  switch (onnx_type) {
    case 1: return 32;  // FLOAT
    case 2:
    case 3:
    case 9: return 8;  // UINT8, INT8, BOOL
    case 4:
    case 5:
    case 10:
    case 16: return 16;  // UINT16, INT16, FLOAT16, BFLOAT16
    case 6:
    case 12: return 32;  // INT32, UINT32
    case 7:
    case 11:
    case 13:
    case 14: return 64;   // INT64, DOUBLE, UINT64, COMPLEX64
    case 15: return 128;  // COMPLEX128
    case 17:
    case 18:
    case 19:
    case 20:
    case 24: return 8;  // FLOAT8 variants, FLOAT8E8M0
    case 21:
    case 22:
    case 23: return 4;  // UINT4, INT4, FLOAT4E2M1
    case 25:
    case 26: return 2;  // UINT2, INT2
    default: return 0;
  }
}

constexpr int64_t kOnnxString = 8;
constexpr uint64_t kDataLocationExternal = 1;

struct TensorSize {
  bool sized = false;
  uint64_t bytes = 0;
  bool external = false;
};

// Field numbers of onnx.proto's TensorProto.
bool ReadTensor(WireReader r, TensorSize* out) {
  Shape dims;
  int64_t type = 0;
  uint64_t string_bytes = 0;
  while (!r.done()) {
    uint32_t field;
    int wire;
    if (!r.Tag(&field, &wire)) return false;
    uint64_t v;
    if (field == 1 && wire == kVarint) {  // dims, unpacked
      if (!r.Varint(&v)) return false;
      dims.push_back(static_cast<int64_t>(v));
    } else if (field == 1 && wire == kLengthDelimited) {  // dims, packed
      WireReader packed(nullptr, nullptr);
      if (!r.Message(&packed)) return false;
      while (!packed.done()) {
        if (!packed.Varint(&v)) return false;
        dims.push_back(static_cast<int64_t>(v));
      }
    } else if (field == 2 && wire == kVarint) {  // data_type
      if (!r.Varint(&v)) return false;
      type = static_cast<int64_t>(v);
    } else if (field == 6 && wire == kLengthDelimited) {  // string_data
      const uint8_t* d;
      size_t n;
      if (!r.Bytes(&d, &n)) return false;
      string_bytes += n;
    } else if (field == 14 && wire == kVarint) {  // data_location
      if (!r.Varint(&v)) return false;
      out->external = v == kDataLocationExternal;
    } else if (!r.Skip(wire)) {
      return false;
    }
  }
  if (type == kOnnxString) {
    out->sized = true;
    out->bytes = string_bytes;
    return true;
  }
  const int bits = ElementBits(type);
  int64_t count = 0;
  if (bits == 0 || !CheckedElementCount(dims, &count)) return true;  // unsized
  const uint64_t n = static_cast<uint64_t>(count);
  if (n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(bits)) return true;
  out->sized = true;
  out->bytes = (n * static_cast<uint64_t>(bits) + 7) / 8;
  return true;
}

void Count(const TensorSize& t, OnnxFileSummary* out) {
  if (!t.sized) {
    ++out->unsized_initializer_count;
    return;
  }
  out->initializer_bytes += t.bytes;
  if (t.external) out->external_initializer_bytes += t.bytes;
}

// SparseTensorProto: values (1) and indices (2) are TensorProtos.
bool ReadSparseTensor(WireReader r, OnnxFileSummary* out) {
  while (!r.done()) {
    uint32_t field;
    int wire;
    if (!r.Tag(&field, &wire)) return false;
    if ((field == 1 || field == 2) && wire == kLengthDelimited) {
      WireReader inner(nullptr, nullptr);
      TensorSize t;
      if (!r.Message(&inner) || !ReadTensor(inner, &t)) return false;
      Count(t, out);
    } else if (!r.Skip(wire)) {
      return false;
    }
  }
  return true;
}

// GraphProto: name (2), initializer (5), sparse_initializer (15).
bool ReadGraph(WireReader r, OnnxFileSummary* out) {
  while (!r.done()) {
    uint32_t field;
    int wire;
    if (!r.Tag(&field, &wire)) return false;
    WireReader inner(nullptr, nullptr);
    if (field == 2 && wire == kLengthDelimited) {
      if (!r.String(&out->graph_name)) return false;
    } else if (field == 5 && wire == kLengthDelimited) {
      TensorSize t;
      if (!r.Message(&inner) || !ReadTensor(inner, &t)) return false;
      ++out->initializer_count;
      Count(t, out);
    } else if (field == 15 && wire == kLengthDelimited) {
      if (!r.Message(&inner) || !ReadSparseTensor(inner, out)) return false;
      ++out->sparse_initializer_count;
    } else if (!r.Skip(wire)) {
      return false;
    }
  }
  return true;
}

// OperatorSetIdProto: domain (1), version (2).
bool ReadOpset(WireReader r, OnnxOpsetImport* out) {
  while (!r.done()) {
    uint32_t field;
    int wire;
    if (!r.Tag(&field, &wire)) return false;
    uint64_t v;
    if (field == 1 && wire == kLengthDelimited) {
      if (!r.String(&out->domain)) return false;
    } else if (field == 2 && wire == kVarint) {
      if (!r.Varint(&v)) return false;
      out->version = static_cast<int64_t>(v);
    } else if (!r.Skip(wire)) {
      return false;
    }
  }
  return true;
}

// ModelProto: ir_version (1), producer_name (2), producer_version (3),
// graph (7), opset_import (8).
bool ReadModel(WireReader r, OnnxFileSummary* out) {
  while (!r.done()) {
    uint32_t field;
    int wire;
    if (!r.Tag(&field, &wire)) return false;
    uint64_t v;
    WireReader inner(nullptr, nullptr);
    if (field == 1 && wire == kVarint) {
      if (!r.Varint(&v)) return false;
      out->ir_version = static_cast<int64_t>(v);
    } else if (field == 2 && wire == kLengthDelimited) {
      if (!r.String(&out->producer_name)) return false;
    } else if (field == 3 && wire == kLengthDelimited) {
      if (!r.String(&out->producer_version)) return false;
    } else if (field == 7 && wire == kLengthDelimited) {
      if (!r.Message(&inner) || !ReadGraph(inner, out)) return false;
    } else if (field == 8 && wire == kLengthDelimited) {
      OnnxOpsetImport opset;
      if (!r.Message(&inner) || !ReadOpset(inner, &opset)) return false;
      out->opset_imports.push_back(std::move(opset));
    } else if (!r.Skip(wire)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status ReadOnnxFileSummary(const std::string& path, OnnxFileSummary* out) {
  MappedFile file;
  ORTB_RETURN_IF_ERROR(file.Open(path));
  return ReadOnnxFileSummary(path, file.begin(), file.size(), out);
}

Status ReadOnnxFileSummary(const std::string& path, const uint8_t* data, size_t size, OnnxFileSummary* out) {
  *out = OnnxFileSummary();
  out->file_bytes = size;
  if (!ReadModel(WireReader(data, data + size), out))
    return Status::InvalidArgument(path + " is not a well-formed ONNX protobuf (ModelProto) file");
  return Status::Ok();
}

}  // namespace ortbackend
