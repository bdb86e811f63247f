// The shipped decryptor's format and cryptography (decryptors/aes_gcm/).
#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aes_gcm.h"
#include "key_source.h"
#include "sealed_file.h"

namespace ortb_aes_gcm {
namespace {

using ::testing::HasSubstr;

void FillKey(Key* key, uint8_t seed) {
  for (size_t i = 0; i < kKeyBytes; ++i) key->data()[i] = static_cast<uint8_t>(seed + i);
}

std::vector<uint8_t> Seal(const Key& key, const std::string& text, const std::string& path) {
  std::vector<uint8_t> sealed;
  std::string error;
  EXPECT_TRUE(SealFile(key, reinterpret_cast<const uint8_t*>(text.data()), text.size(), path, &sealed, &error))
      << error;
  return sealed;
}

// Opens `sealed` for `path`; the plaintext, or "ERROR: <message>".
std::string Open(const Key& key, const std::vector<uint8_t>& sealed, const std::string& path) {
  SealedFileView view;
  std::string error;
  if (!ParseSealedFile(sealed.data(), sealed.size(), &view, &error)) return "ERROR: " + error;
  std::string plain(view.ciphertext_size, '\0');
  if (!OpenSealedFile(key, view, path, reinterpret_cast<uint8_t*>(plain.data()), &error)) return "ERROR: " + error;
  return plain;
}

TEST(AesGcm, RoundTripsAndUsesAFreshNonceEachTime) {
  Key key;
  FillKey(&key, 1);
  const auto a = Seal(key, "weights of a model", "model.onnx");
  const auto b = Seal(key, "weights of a model", "model.onnx");
  EXPECT_EQ(a.size(), 18 + kOverheadBytes);
  EXPECT_NE(a, b);
  EXPECT_EQ(Open(key, a, "model.onnx"), "weights of a model");
  EXPECT_EQ(Open(key, Seal(key, "", "empty.bin"), "empty.bin"), "");
}

TEST(AesGcm, AWrongKeyAChangedByteOrAnotherPathFailsAuthentication) {
  Key key, other;
  FillKey(&key, 1);
  FillKey(&other, 2);
  auto sealed = Seal(key, "weights of a model", "model.onnx");
  EXPECT_THAT(Open(other, sealed, "model.onnx"), HasSubstr("authentication failed"));
  EXPECT_THAT(Open(key, sealed, "weights.bin"), HasSubstr("authentication failed"));
  for (size_t i : {size_t{12}, kHeaderBytes + 3, sealed.size() - 1}) {
    auto changed = sealed;
    changed[i] ^= 1;
    EXPECT_THAT(Open(key, changed, "model.onnx"), HasSubstr("authentication failed")) << i;
  }
  sealed.pop_back();
  EXPECT_THAT(Open(key, sealed, "model.onnx"), HasSubstr("authentication failed"));
}

TEST(ParseSealedFile, NamesPlainShortAndUnknownFiles) {
  SealedFileView view;
  std::string error;
  const std::string plain = "\x08\x08\x12\x04onnx";
  EXPECT_FALSE(ParseSealedFile(reinterpret_cast<const uint8_t*>(plain.data()), plain.size(), &view, &error));
  EXPECT_THAT(error, HasSubstr("not an encrypted file"));
  EXPECT_FALSE(ParseSealedFile(nullptr, 0, &view, &error));
  EXPECT_THAT(error, HasSubstr("not an encrypted file"));
  std::vector<uint8_t> sealed(kOverheadBytes, 0);
  uint8_t nonce[kNonceBytes] = {};
  WriteSealedHeader(nonce, sealed.data());
  EXPECT_FALSE(ParseSealedFile(sealed.data(), kOverheadBytes - 1, &view, &error));
  EXPECT_THAT(error, HasSubstr("truncated encrypted file: 39 bytes"));
  EXPECT_TRUE(ParseSealedFile(sealed.data(), sealed.size(), &view, &error)) << error;
  EXPECT_EQ(view.ciphertext_size, 0u);
  sealed[8] = 2;
  EXPECT_FALSE(ParseSealedFile(sealed.data(), sealed.size(), &view, &error));
  EXPECT_THAT(error, HasSubstr("format version 2 is not supported"));
  sealed[8] = 1;
  sealed[10] = 1;
  EXPECT_FALSE(ParseSealedFile(sealed.data(), sealed.size(), &view, &error));
  EXPECT_THAT(error, HasSubstr("reserved bytes"));
}

TEST(KeySource, ReadsRawOrHexKeysFromTheEnvironmentAndRefusesOtherText) {
  Key key;
  std::string error;
  EXPECT_TRUE(ParseKeyText(std::string(32, 'k'), "the file", &key, &error)) << error;
  EXPECT_EQ(key.data()[31], 'k');
  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F\n";
  EXPECT_TRUE(ParseKeyText(hex, "the file", &key, &error)) << error;
  EXPECT_EQ(key.data()[31], 0x1f);
  EXPECT_FALSE(ParseKeyText("short", "the file 'k'", &key, &error));
  EXPECT_THAT(error, HasSubstr("the file 'k' does not hold a 256-bit key"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("short")));  // never the key text
  setenv("ORTB_UNIT_TEST_KEY", hex.c_str(), 1);
  EXPECT_TRUE(LoadKey("key-env=ORTB_UNIT_TEST_KEY", &key, &error)) << error;
  unsetenv("ORTB_UNIT_TEST_KEY");
  EXPECT_FALSE(LoadKey("key-env=ORTB_UNIT_TEST_KEY", &key, &error));
  EXPECT_THAT(error, HasSubstr("'ORTB_UNIT_TEST_KEY' (key-env) is not set"));
  EXPECT_FALSE(LoadKey("", &key, &error));
  EXPECT_THAT(error, HasSubstr("exactly one of"));
  EXPECT_FALSE(LoadKey("key-file=/a\nkey-env=B", &key, &error));
  EXPECT_FALSE(LoadKey("password=x", &key, &error));
  EXPECT_THAT(error, HasSubstr("unknown option 'password'"));
  EXPECT_FALSE(LoadKey("key-file=/nonexistent/key", &key, &error));
  EXPECT_THAT(error, HasSubstr("cannot read the key file '/nonexistent/key'"));
}

}  // namespace
}  // namespace ortb_aes_gcm
