/* The decryptor ABI of the ONNX Runtime backend for Triton: what a shared
 * library implements so that the backend can serve models whose files are
 * encrypted at rest (docs/model_protection.md).
 *
 * The server's operator registers a library with
 *   --backend-config=onnxruntime,decryptor=NAME:/path/to/libmy_decryptor.so
 * and gives it options with
 *   --backend-config=onnxruntime,decryptor-option=NAME:KEY=VALUE   (repeatable)
 * A model chooses a registered decryptor by NAME with its config parameter
 * `decryptor`. The backend then reads each of the model's files (model.onnx
 * and every external-data file it names), hands the file's bytes to
 * ortb_decryptor_decrypt, gives the plaintext to ONNX Runtime from memory,
 * and, once ONNX Runtime is done with it, overwrites it with zeros and calls
 * ortb_decryptor_free. No plaintext is written to any file by the backend.
 *
 * Plain C, so a library may be written in any language with a C ABI. Every
 * function below must be exported (extern "C", default visibility) under
 * exactly these names; a library that lacks one, or whose
 * ortb_decryptor_abi_version() differs from the ORTB_DECRYPTOR_ABI_VERSION
 * the backend was built with, is refused at server start with an error that
 * names the library and what is missing.
 *
 * Threading: create and destroy are called once per registration (at backend
 * initialize and finalize). decrypt and free may be called from several
 * threads at once on the same decryptor (models load in parallel), so a
 * decryptor must be safe for concurrent use after create returns.
 *
 * Errors: a function that fails returns a nonzero value and sets *error to
 * a NUL-terminated message allocated by the library (or leaves it null); the
 * backend shows the message to the operator, prefixed with the model, the
 * file and the decryptor's name, and then releases it with
 * ortb_decryptor_free_error. Messages must never contain key material. */
#ifndef TRITON_ONNXRUNTIME_DECRYPTOR_H_
#define TRITON_ONNXRUNTIME_DECRYPTOR_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever a function's signature or contract below changes. */
#define ORTB_DECRYPTOR_ABI_VERSION 1

/* One configured decryptor: the library's own state (keys, cipher contexts). */
typedef struct OrtbDecryptor OrtbDecryptor;

/* The ABI version the library was built against: return
 * ORTB_DECRYPTOR_ABI_VERSION. */
uint32_t ortb_decryptor_abi_version(void);

/* Creates a decryptor. `options` is the operator's decryptor-option values
 * for this decryptor, one "KEY=VALUE" per line ('\n'-separated, in the order
 * given; empty when there are none). The library must reject keys it does
 * not know. On success returns 0 and sets *out. */
int ortb_decryptor_create(const char* options, OrtbDecryptor** out, char** error);

/* Destroys a decryptor made by ortb_decryptor_create (wiping its keys). */
void ortb_decryptor_destroy(OrtbDecryptor* decryptor);

/* Decrypts one file of a model. `model_name` is the model's name in the
 * repository; `relative_path` is the file's path relative to the model's
 * version directory ("model.onnx", or "model.onnx/weights.bin" for a model
 * directory with external data), with '/' separators. `data`/`size` are the
 * file's bytes, valid only during the call. On success returns 0 and sets
 * *plaintext to a buffer the library owns (writable, so the backend can wipe
 * it) holding *plaintext_size bytes; the backend hands it back through
 * ortb_decryptor_free. A file that fails authentication, is truncated, or is
 * not in the library's format must fail with a message saying which. */
int ortb_decryptor_decrypt(OrtbDecryptor* decryptor, const char* model_name, const char* relative_path,
                           const uint8_t* data, size_t size, uint8_t** plaintext, size_t* plaintext_size,
                           char** error);

/* Releases a buffer returned by ortb_decryptor_decrypt (already overwritten
 * with zeros by the backend; a library may wipe it again). */
void ortb_decryptor_free(OrtbDecryptor* decryptor, uint8_t* plaintext, size_t plaintext_size);

/* Releases an error message set by any function above. */
void ortb_decryptor_free_error(char* error);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* TRITON_ONNXRUNTIME_DECRYPTOR_H_ */
