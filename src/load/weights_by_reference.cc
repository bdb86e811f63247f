#include "load/weights_by_reference.h"

#include "common/protobuf_wire.h"

namespace ortbackend {
namespace {

void AppendVarint(uint64_t v, WipedBytes* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

void AppendField(uint32_t field, const uint8_t* data, size_t size, WipedBytes* out) {
  AppendVarint(uint64_t{field} << 3 | kLengthDelimited, out);
  AppendVarint(size, out);
  out->insert(out->end(), data, data + size);
}

void AppendString(uint32_t field, const std::string& s, WipedBytes* out) {
  AppendField(field, reinterpret_cast<const uint8_t*>(s.data()), s.size(), out);
}

// StringStringEntryProto {1: key, 2: value} as TensorProto.external_data (13).
void AppendEntry(const std::string& key, const std::string& value, WipedBytes* out) {
  WipedBytes entry;
  AppendString(1, key, &entry);
  AppendString(2, value, &entry);
  AppendField(13, entry.data(), entry.size(), out);
}

struct Context {
  const uint8_t* base;
  const std::string& location;
  size_t min_bytes;
  size_t moved = 0;
};

// TensorProto: 9 raw_data, 13 external_data, 14 data_location.
bool RewriteTensor(WireReader tensor, Context* c, WipedBytes* out) {
  const uint8_t* begin = tensor.position();
  WipedBytes kept;
  const uint8_t* raw = nullptr;
  size_t raw_size = 0;
  bool external = false;
  while (!tensor.done()) {
    const uint8_t* field_start = tensor.position();
    uint32_t field;
    int wire;
    if (!tensor.Tag(&field, &wire)) return false;
    if (field == 9 && wire == kLengthDelimited) {
      if (!tensor.Bytes(&raw, &raw_size)) return false;
      continue;
    }
    if (field == 14 && wire == kVarint) {
      uint64_t v;
      if (!tensor.Varint(&v)) return false;
      external = v == 1;
    } else if (!tensor.Skip(wire)) {
      return false;
    }
    kept.insert(kept.end(), field_start, tensor.position());
  }
  if (raw == nullptr || external || raw_size < c->min_bytes) {
    out->insert(out->end(), begin, tensor.position());  // as it was
    return true;
  }
  AppendEntry("location", c->location, &kept);
  AppendEntry("offset", std::to_string(raw - c->base), &kept);
  AppendEntry("length", std::to_string(raw_size), &kept);
  AppendVarint(14 << 3 | kVarint, &kept);
  AppendVarint(1, &kept);  // data_location: EXTERNAL
  out->insert(out->end(), kept.begin(), kept.end());
  ++c->moved;
  return true;
}

// Copies the message in `reader` field by field, rewriting the length-
// delimited field `target` with `rewrite`.
template <typename Rewrite>
bool RewriteField(WireReader reader, uint32_t target, Rewrite rewrite, WipedBytes* out) {
  while (!reader.done()) {
    const uint8_t* field_start = reader.position();
    uint32_t field;
    int wire;
    if (!reader.Tag(&field, &wire)) return false;
    if (field == target && wire == kLengthDelimited) {
      WireReader inner(nullptr, nullptr);
      if (!reader.Message(&inner)) return false;
      WipedBytes rewritten;
      if (!rewrite(inner, &rewritten)) return false;
      AppendField(field, rewritten.data(), rewritten.size(), out);
      continue;
    }
    if (!reader.Skip(wire)) return false;
    out->insert(out->end(), field_start, reader.position());
  }
  return true;
}

}  // namespace

bool ReferenceInlineWeights(const uint8_t* model, size_t size, const std::string& location, size_t min_bytes,
                            WipedBytes* out, size_t* moved) {
  Context c{model, location, min_bytes};
  out->clear();
  const bool ok = RewriteField(
      WireReader(model, model + size), 7,
      [&](WireReader graph, WipedBytes* g) {
        return RewriteField(
            graph, 5, [&](WireReader t, WipedBytes* o) { return RewriteTensor(t, &c, o); }, g);
      },
      out);
  *moved = c.moved;
  return ok;
}

}  // namespace ortbackend
