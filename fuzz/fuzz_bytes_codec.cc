// Fuzzes Triton's BYTES wire format (tensor/bytes_codec.h) the way Execute
// meets it: a tensor's data split over 1-4 buffers at arbitrary points (empty
// buffers included), validated for an element count taken from the shape,
// then decoded.
//
// Input: byte 0: low 2 bits + 1 = the number of chunks; byte 1: the element
// count the "shape" asks for; then 2 bytes per cut point; the rest is the data.
//
// Checked against a plain reference parser over the unsplit data:
//  - ValidateBytesElements accepts exactly what the reference accepts;
//  - DecodeBytesElements (run on every input; it must fail cleanly where
//    elements are truncated) hands out each element once, in order, with the
//    reference's lengths;
//  - for valid data, re-encoding the decoded elements with WriteBytesElement
//    gives back the input byte for byte.
// Every chunk lives in its own heap block (empty ones are null), so ASan sees
// any read across a chunk boundary.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "tensor/bytes_codec.h"

using namespace ortbackend;
using ortbackend_fuzz::FuzzInput;
using ortbackend_fuzz::Require;

namespace {

const std::string kWhat = "model 'fuzz', input 'text'";

// The reference: element lengths of `count` elements read from the front of
// `data`; `complete` = all of them fit; `exact` = and nothing is left over.
struct Reference {
  std::vector<uint32_t> lengths;
  bool complete = false;
  bool exact = false;
};

Reference ParseReference(const uint8_t* data, size_t size, int64_t count) {
  Reference r;
  size_t pos = 0;
  for (int64_t i = 0; i < count; ++i) {
    if (size - pos < 4) return r;
    const uint32_t len = static_cast<uint32_t>(data[pos]) | static_cast<uint32_t>(data[pos + 1]) << 8 |
                         static_cast<uint32_t>(data[pos + 2]) << 16 | static_cast<uint32_t>(data[pos + 3]) << 24;
    pos += 4;
    if (size - pos < len) return r;
    pos += len;
    r.lengths.push_back(len);
  }
  r.complete = true;
  r.exact = pos == size;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const size_t chunk_count = 1 + (in.Byte() & 3);
  const int64_t count = in.Byte();
  std::vector<uint16_t> raw_cuts;
  for (size_t i = 1; i < chunk_count; ++i) raw_cuts.push_back(in.U16());
  const uint8_t* payload = in.rest();
  const size_t payload_size = in.remaining();

  std::vector<size_t> cuts;
  for (uint16_t c : raw_cuts) cuts.push_back(c % (payload_size + 1));
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(payload_size);

  std::vector<std::unique_ptr<char[]>> blocks;
  std::vector<Chunk> chunks;
  size_t start = 0;
  for (size_t cut : cuts) {
    const size_t n = cut - start;
    std::unique_ptr<char[]> block;
    if (n > 0) {
      block.reset(new char[n]);
      std::memcpy(block.get(), payload + start, n);
    }
    chunks.push_back(Chunk{block.get(), n});
    blocks.push_back(std::move(block));
    start = cut;
  }

  const Reference ref = ParseReference(payload, payload_size, count);

  const Status valid = ValidateBytesElements(chunks.data(), chunks.size(), count, kWhat);
  Require(valid.ok() == ref.exact, "ValidateBytesElements says " + std::string(valid.ok() ? "valid" : "invalid") +
                                       " but the reference disagrees: " + valid.message());
  Require(valid.ok() || (valid.code() == StatusCode::kInvalidArgument && valid.message().rfind(kWhat, 0) == 0),
          "a rejection is not an InvalidArgument naming the tensor: " + valid.message());

  std::vector<std::string> elements;
  const Status decoded =
      DecodeBytesElements(chunks.data(), chunks.size(), count, kWhat, [&](int64_t index, uint32_t length) {
        Require(index == static_cast<int64_t>(elements.size()), "elements decoded out of order");
        Require(index < static_cast<int64_t>(ref.lengths.size()) && ref.lengths[index] == length,
                "decoded length differs from the reference");
        elements.emplace_back(length, '\0');
        return elements.back().data();
      });
  Require(decoded.ok() == ref.complete, "DecodeBytesElements " + std::string(decoded.ok() ? "succeeded" : "failed") +
                                            " but the reference disagrees: " + decoded.message());
  if (!valid.ok()) return 0;

  Require(static_cast<int64_t>(elements.size()) == count, "decoded element count differs from the shape's");
  uint64_t payload_bytes = 0;
  for (const auto& e : elements) payload_bytes += e.size();
  Require(EncodedBytesSize(elements.size(), payload_bytes) == payload_size,
          "EncodedBytesSize disagrees with the validated data's size");
  std::unique_ptr<char[]> encoded(new char[payload_size + 1]);
  char* end = encoded.get();
  for (const auto& e : elements) end = WriteBytesElement(end, e.data(), static_cast<uint32_t>(e.size()));
  Require(static_cast<size_t>(end - encoded.get()) == payload_size, "re-encoded size differs from the input");
  Require(payload_size == 0 || std::memcmp(encoded.get(), payload, payload_size) == 0,
          "re-encoded bytes differ from the input");
  return 0;
}
