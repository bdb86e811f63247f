#include "load/weights_by_reference.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/protobuf_wire.h"
#include "load/decrypted_model.h"
#include "protobuf_builders.h"

namespace ortbackend {
namespace {

using test::Field;
using test::Varint;

// The external_data entries of the one initializer of `model`'s graph, and
// whether it still has raw_data.
struct Seen {
  std::vector<std::pair<std::string, std::string>> entries;
  bool raw = false;
  bool external = false;
  std::string name;
};

Seen Inspect(const WipedBytes& model) {
  Seen seen;
  WireReader m(model.data(), model.data() + model.size());
  uint32_t f;
  int w;
  while (!m.done()) {
    EXPECT_TRUE(m.Tag(&f, &w));
    WireReader g(nullptr, nullptr);
    if (f != 7) {
      EXPECT_TRUE(m.Skip(w));
      continue;
    }
    EXPECT_TRUE(m.Message(&g));
    while (!g.done()) {
      EXPECT_TRUE(g.Tag(&f, &w));
      WireReader t(nullptr, nullptr);
      if (f != 5) {
        EXPECT_TRUE(g.Skip(w));
        continue;
      }
      EXPECT_TRUE(g.Message(&t));
      while (!t.done()) {
        EXPECT_TRUE(t.Tag(&f, &w));
        if (f == 13) {
          WireReader e(nullptr, nullptr);
          EXPECT_TRUE(t.Message(&e));
          std::string key, value;
          while (!e.done()) {
            EXPECT_TRUE(e.Tag(&f, &w));
            EXPECT_TRUE(f == 1 ? e.String(&key) : e.String(&value));
          }
          seen.entries.emplace_back(key, value);
        } else if (f == 8) {
          EXPECT_TRUE(t.String(&seen.name));
        } else if (f == 14) {
          uint64_t v;
          EXPECT_TRUE(t.Varint(&v));
          seen.external = v == 1;
        } else {
          seen.raw |= f == 9;
          EXPECT_TRUE(t.Skip(w));
        }
      }
    }
  }
  return seen;
}

TEST(ReferenceInlineWeights, PointsALargeInitializerAtItsBytesInTheBuffer) {
  const std::string raw(2048, '\x5a');
  const std::string tensor = Field(8, "W") + Field(9, raw);
  const std::string model = Varint(1 << 3) + Varint(8) + Field(7, Field(1, "node") + Field(5, tensor)) + Field(2, "p");
  const auto* bytes = reinterpret_cast<const uint8_t*>(model.data());
  WipedBytes out;
  size_t moved = 0;
  ASSERT_TRUE(ReferenceInlineWeights(bytes, model.size(), "self", 1024, &out, &moved));
  EXPECT_EQ(moved, 1u);
  EXPECT_LT(out.size(), 200u);  // the weights are not in it
  const Seen seen = Inspect(out);
  EXPECT_EQ(seen.name, "W");
  EXPECT_FALSE(seen.raw);
  EXPECT_TRUE(seen.external);
  ASSERT_EQ(seen.entries.size(), 3u);
  EXPECT_EQ(seen.entries[0], (std::pair<std::string, std::string>("location", "self")));
  const size_t offset = std::stoul(seen.entries[1].second);
  EXPECT_EQ(seen.entries[2].second, "2048");
  EXPECT_EQ(model.substr(offset, 2048), raw);
  // The other fields are kept: ir_version first, producer_name last.
  EXPECT_EQ(out[0], 1 << 3);
  EXPECT_EQ(std::string(out.end() - 3, out.end()), Field(2, "p"));
}

TEST(ReferenceInlineWeights, LeavesSmallAndExternalInitializersAlone) {
  const std::string small = Field(8, "S") + Field(9, std::string(16, 'x'));
  const std::string model = Field(7, Field(5, small));
  WipedBytes out;
  size_t moved = 7;
  ASSERT_TRUE(
      ReferenceInlineWeights(reinterpret_cast<const uint8_t*>(model.data()), model.size(), "self", 1024, &out, &moved));
  EXPECT_EQ(moved, 0u);
  EXPECT_EQ(std::string(out.begin(), out.end()), model);
}

TEST(ReferenceInlineWeights, RefusesMalformedBytes) {
  const std::string model = Field(7, Field(5, Field(8, "W"))).substr(0, 5);
  WipedBytes out;
  size_t moved = 0;
  EXPECT_FALSE(
      ReferenceInlineWeights(reinterpret_cast<const uint8_t*>(model.data()), model.size(), "self", 1024, &out, &moved));
}

}  // namespace
}  // namespace ortbackend
