// Decryptor libraries that are wrong on purpose, for the bad-model tests of
// protected models. One source, built three times (tests/unit/CMakeLists.txt):
//   BROKEN_ABI_VERSION      reports ABI version 999
//   BROKEN_MISSING_SYMBOL   does not export ortb_decryptor_free_error
//   (neither)               loads fine, but refuses to decrypt any file
#include <cstdlib>
#include <cstring>

#include "triton_onnxruntime/decryptor.h"

struct OrtbDecryptor {
  int unused;
};

#define EXPORT extern "C" __attribute__((visibility("default")))

EXPORT uint32_t ortb_decryptor_abi_version(void) {
#ifdef BROKEN_ABI_VERSION
  return 999;
#else
  return ORTB_DECRYPTOR_ABI_VERSION;
#endif
}

EXPORT int ortb_decryptor_create(const char*, OrtbDecryptor** out, char**) {
  *out = new OrtbDecryptor();
  return 0;
}

EXPORT void ortb_decryptor_destroy(OrtbDecryptor* d) { delete d; }

EXPORT int ortb_decryptor_decrypt(OrtbDecryptor*, const char* model_name, const char* relative_path, const uint8_t*,
                                  size_t, uint8_t**, size_t*, char** error) {
  const char* message = "the test decryptor refuses every file";
  *error = static_cast<char*>(std::malloc(std::strlen(message) + 1));
  std::strcpy(*error, message);
  return 7;
}

EXPORT void ortb_decryptor_free(OrtbDecryptor*, uint8_t* p, size_t) { std::free(p); }

#ifndef BROKEN_MISSING_SYMBOL
EXPORT void ortb_decryptor_free_error(char* e) { std::free(e); }
#endif
