// Minimal, independently written declarations of the subset of the Triton
// "TRITONBACKEND" C API used by this backend.
//
// Two kinds of symbols appear here:
//  * functions implemented by the Triton server (plain extern declarations);
//  * entry points implemented by this backend and looked up by Triton with
//    dlsym(); these carry TRITONBACKEND_ISPEC so they stay exported when the
//    library is built with -fvisibility=hidden.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tritonserver_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TRITONBACKEND_ISPEC
#if defined(__GNUC__) || defined(__clang__)
#define TRITONBACKEND_ISPEC __attribute__((visibility("default")))
#else
#define TRITONBACKEND_ISPEC
#endif
#endif

// API version this declaration set corresponds to.
#define TRITONBACKEND_API_VERSION_MAJOR 1
#define TRITONBACKEND_API_VERSION_MINOR 19

// ---------------------------------------------------------------------------
// Opaque handle types.
// ---------------------------------------------------------------------------
typedef struct TRITONBACKEND_MemoryManager TRITONBACKEND_MemoryManager;
typedef struct TRITONBACKEND_Input TRITONBACKEND_Input;
typedef struct TRITONBACKEND_Output TRITONBACKEND_Output;
typedef struct TRITONBACKEND_State TRITONBACKEND_State;
typedef struct TRITONBACKEND_Request TRITONBACKEND_Request;
typedef struct TRITONBACKEND_ResponseFactory TRITONBACKEND_ResponseFactory;
typedef struct TRITONBACKEND_Response TRITONBACKEND_Response;
typedef struct TRITONBACKEND_Backend TRITONBACKEND_Backend;
typedef struct TRITONBACKEND_Model TRITONBACKEND_Model;
typedef struct TRITONBACKEND_ModelInstance TRITONBACKEND_ModelInstance;
typedef struct TRITONBACKEND_BackendAttribute TRITONBACKEND_BackendAttribute;

// ---------------------------------------------------------------------------
// Enumerations.
// ---------------------------------------------------------------------------

// How backend / model artifacts are made available.
typedef enum TRITONBACKEND_artifacttype_enum { TRITONBACKEND_ARTIFACT_FILESYSTEM = 0 } TRITONBACKEND_ArtifactType;

// Execution policy a backend may select in TRITONBACKEND_Initialize.
typedef enum TRITONBACKEND_execpolicy_enum {
  TRITONBACKEND_EXECUTION_BLOCKING = 0,
  TRITONBACKEND_EXECUTION_DEVICE_BLOCKING = 1
} TRITONBACKEND_ExecutionPolicy;

// ---------------------------------------------------------------------------
// Server-provided functions.
// ---------------------------------------------------------------------------

// Version.
extern TRITONSERVER_Error* TRITONBACKEND_ApiVersion(uint32_t* major, uint32_t* minor);

// Memory manager.
extern TRITONSERVER_Error* TRITONBACKEND_MemoryManagerAllocate(TRITONBACKEND_MemoryManager* manager, void** buffer,
                                                               const TRITONSERVER_MemoryType memory_type,
                                                               const int64_t memory_type_id, const uint64_t byte_size);
extern TRITONSERVER_Error* TRITONBACKEND_MemoryManagerFree(TRITONBACKEND_MemoryManager* manager, void* buffer,
                                                           const TRITONSERVER_MemoryType memory_type,
                                                           const int64_t memory_type_id);

// Input tensors.
extern TRITONSERVER_Error* TRITONBACKEND_InputProperties(TRITONBACKEND_Input* input, const char** name,
                                                         TRITONSERVER_DataType* datatype, const int64_t** shape,
                                                         uint32_t* dims_count, uint64_t* byte_size,
                                                         uint32_t* buffer_count);
extern TRITONSERVER_Error* TRITONBACKEND_InputPropertiesForHostPolicy(TRITONBACKEND_Input* input,
                                                                      const char* host_policy_name, const char** name,
                                                                      TRITONSERVER_DataType* datatype,
                                                                      const int64_t** shape, uint32_t* dims_count,
                                                                      uint64_t* byte_size, uint32_t* buffer_count);
// memory_type / memory_type_id are in-out (preferred in, actual out).
extern TRITONSERVER_Error* TRITONBACKEND_InputBuffer(TRITONBACKEND_Input* input, const uint32_t index,
                                                     const void** buffer, uint64_t* buffer_byte_size,
                                                     TRITONSERVER_MemoryType* memory_type, int64_t* memory_type_id);
extern TRITONSERVER_Error* TRITONBACKEND_InputBufferForHostPolicy(TRITONBACKEND_Input* input,
                                                                  const char* host_policy_name, const uint32_t index,
                                                                  const void** buffer, uint64_t* buffer_byte_size,
                                                                  TRITONSERVER_MemoryType* memory_type,
                                                                  int64_t* memory_type_id);
extern TRITONSERVER_Error* TRITONBACKEND_InputBufferAttributes(TRITONBACKEND_Input* input, const uint32_t index,
                                                               const void** buffer,
                                                               TRITONSERVER_BufferAttributes** buffer_attributes);

// Output tensors.
// memory_type / memory_type_id are in-out (preferred in, actual out).
extern TRITONSERVER_Error* TRITONBACKEND_OutputBuffer(TRITONBACKEND_Output* output, void** buffer,
                                                      const uint64_t buffer_byte_size,
                                                      TRITONSERVER_MemoryType* memory_type, int64_t* memory_type_id);
extern TRITONSERVER_Error* TRITONBACKEND_OutputBufferAttributes(TRITONBACKEND_Output* output,
                                                                TRITONSERVER_BufferAttributes** buffer_attributes);

// Requests.
extern TRITONSERVER_Error* TRITONBACKEND_RequestId(TRITONBACKEND_Request* request, const char** id);
// The request's trace, or null when the request is not traced.
extern TRITONSERVER_Error* TRITONBACKEND_RequestTrace(TRITONBACKEND_Request* request,
                                                      TRITONSERVER_InferenceTrace** trace);
extern TRITONSERVER_Error* TRITONBACKEND_RequestIsCancelled(TRITONBACKEND_Request* request, bool* is_cancelled);
extern TRITONSERVER_Error* TRITONBACKEND_RequestCorrelationId(TRITONBACKEND_Request* request, uint64_t* id);
extern TRITONSERVER_Error* TRITONBACKEND_RequestCorrelationIdString(TRITONBACKEND_Request* request, const char** id);
// 'flags' is a bitwise-or of TRITONSERVER_RequestFlag values.
extern TRITONSERVER_Error* TRITONBACKEND_RequestFlags(TRITONBACKEND_Request* request, uint32_t* flags);
extern TRITONSERVER_Error* TRITONBACKEND_RequestParameterCount(TRITONBACKEND_Request* request, uint32_t* count);
extern TRITONSERVER_Error* TRITONBACKEND_RequestParameter(TRITONBACKEND_Request* request, const uint32_t index,
                                                          const char** key, TRITONSERVER_ParameterType* type,
                                                          const void** vvalue);
extern TRITONSERVER_Error* TRITONBACKEND_RequestInputCount(TRITONBACKEND_Request* request, uint32_t* count);
extern TRITONSERVER_Error* TRITONBACKEND_RequestInputName(TRITONBACKEND_Request* request, const uint32_t index,
                                                          const char** input_name);
extern TRITONSERVER_Error* TRITONBACKEND_RequestInput(TRITONBACKEND_Request* request, const char* name,
                                                      TRITONBACKEND_Input** input);
extern TRITONSERVER_Error* TRITONBACKEND_RequestInputByIndex(TRITONBACKEND_Request* request, const uint32_t index,
                                                             TRITONBACKEND_Input** input);
extern TRITONSERVER_Error* TRITONBACKEND_RequestOutputCount(TRITONBACKEND_Request* request, uint32_t* count);
extern TRITONSERVER_Error* TRITONBACKEND_RequestOutputName(TRITONBACKEND_Request* request, const uint32_t index,
                                                           const char** output_name);
// 'name' and 'byte_size' may be null; memory_type / memory_type_id in-out.
extern TRITONSERVER_Error* TRITONBACKEND_RequestOutputBufferProperties(TRITONBACKEND_Request* request, const char* name,
                                                                       size_t* byte_size,
                                                                       TRITONSERVER_MemoryType* memory_type,
                                                                       int64_t* memory_type_id);
// 'release_flags' is a bitwise-or of TRITONSERVER_RequestReleaseFlag values.
extern TRITONSERVER_Error* TRITONBACKEND_RequestRelease(TRITONBACKEND_Request* request, uint32_t release_flags);

// Response factories.
extern TRITONSERVER_Error* TRITONBACKEND_ResponseFactoryNew(TRITONBACKEND_ResponseFactory** factory,
                                                            TRITONBACKEND_Request* request);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseFactoryDelete(TRITONBACKEND_ResponseFactory* factory);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseFactoryIsCancelled(TRITONBACKEND_ResponseFactory* factory,
                                                                    bool* is_cancelled);
// 'send_flags' is a bitwise-or of TRITONSERVER_ResponseCompleteFlag values.
extern TRITONSERVER_Error* TRITONBACKEND_ResponseFactorySendFlags(TRITONBACKEND_ResponseFactory* factory,
                                                                  const uint32_t send_flags);

// Responses.
extern TRITONSERVER_Error* TRITONBACKEND_ResponseNew(TRITONBACKEND_Response** response, TRITONBACKEND_Request* request);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseNewFromFactory(TRITONBACKEND_Response** response,
                                                                TRITONBACKEND_ResponseFactory* factory);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseDelete(TRITONBACKEND_Response* response);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseSetStringParameter(TRITONBACKEND_Response* response, const char* name,
                                                                    const char* value);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseSetIntParameter(TRITONBACKEND_Response* response, const char* name,
                                                                 const int64_t value);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseSetBoolParameter(TRITONBACKEND_Response* response, const char* name,
                                                                  const bool value);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseSetDoubleParameter(TRITONBACKEND_Response* response, const char* name,
                                                                    const double value);
extern TRITONSERVER_Error* TRITONBACKEND_ResponseOutput(TRITONBACKEND_Response* response, TRITONBACKEND_Output** output,
                                                        const char* name, const TRITONSERVER_DataType datatype,
                                                        const int64_t* shape, const uint32_t dims_count);
// Transfers ownership of 'response' to Triton. 'error' may be null.
extern TRITONSERVER_Error* TRITONBACKEND_ResponseSend(TRITONBACKEND_Response* response, const uint32_t send_flags,
                                                      TRITONSERVER_Error* error);

// Implicit (sequence) state.
extern TRITONSERVER_Error* TRITONBACKEND_StateNew(TRITONBACKEND_State** state, TRITONBACKEND_Request* request,
                                                  const char* name, const TRITONSERVER_DataType datatype,
                                                  const int64_t* shape, const uint32_t dims_count);
extern TRITONSERVER_Error* TRITONBACKEND_StateUpdate(TRITONBACKEND_State* state);
extern TRITONSERVER_Error* TRITONBACKEND_StateBuffer(TRITONBACKEND_State* state, void** buffer,
                                                     const uint64_t buffer_byte_size,
                                                     TRITONSERVER_MemoryType* memory_type, int64_t* memory_type_id);
extern TRITONSERVER_Error* TRITONBACKEND_StateBufferAttributes(TRITONBACKEND_State* state,
                                                               TRITONSERVER_BufferAttributes** buffer_attributes);

// Backend.
extern TRITONSERVER_Error* TRITONBACKEND_BackendName(TRITONBACKEND_Backend* backend, const char** name);
// The returned message is owned by Triton; do not delete it.
extern TRITONSERVER_Error* TRITONBACKEND_BackendConfig(TRITONBACKEND_Backend* backend,
                                                       TRITONSERVER_Message** backend_config);
extern TRITONSERVER_Error* TRITONBACKEND_BackendExecutionPolicy(TRITONBACKEND_Backend* backend,
                                                                TRITONBACKEND_ExecutionPolicy* policy);
extern TRITONSERVER_Error* TRITONBACKEND_BackendSetExecutionPolicy(TRITONBACKEND_Backend* backend,
                                                                   TRITONBACKEND_ExecutionPolicy policy);
extern TRITONSERVER_Error* TRITONBACKEND_BackendArtifacts(TRITONBACKEND_Backend* backend,
                                                          TRITONBACKEND_ArtifactType* artifact_type,
                                                          const char** location);
extern TRITONSERVER_Error* TRITONBACKEND_BackendMemoryManager(TRITONBACKEND_Backend* backend,
                                                              TRITONBACKEND_MemoryManager** manager);
extern TRITONSERVER_Error* TRITONBACKEND_BackendState(TRITONBACKEND_Backend* backend, void** state);
extern TRITONSERVER_Error* TRITONBACKEND_BackendSetState(TRITONBACKEND_Backend* backend, void* state);

// Model.
extern TRITONSERVER_Error* TRITONBACKEND_ModelName(TRITONBACKEND_Model* model, const char** name);
extern TRITONSERVER_Error* TRITONBACKEND_ModelVersion(TRITONBACKEND_Model* model, uint64_t* version);
extern TRITONSERVER_Error* TRITONBACKEND_ModelRepository(TRITONBACKEND_Model* model,
                                                         TRITONBACKEND_ArtifactType* artifact_type,
                                                         const char** location);
// Caller owns the returned message (TRITONSERVER_MessageDelete).
extern TRITONSERVER_Error* TRITONBACKEND_ModelConfig(TRITONBACKEND_Model* model, const uint32_t config_version,
                                                     TRITONSERVER_Message** model_config);
extern TRITONSERVER_Error* TRITONBACKEND_ModelAutoCompleteConfig(TRITONBACKEND_Model* model,
                                                                 bool* auto_complete_config);
// Does not take ownership of 'model_config'.
extern TRITONSERVER_Error* TRITONBACKEND_ModelSetConfig(TRITONBACKEND_Model* model, const uint32_t config_version,
                                                        TRITONSERVER_Message* model_config);
extern TRITONSERVER_Error* TRITONBACKEND_ModelServer(TRITONBACKEND_Model* model, TRITONSERVER_Server** server);
extern TRITONSERVER_Error* TRITONBACKEND_ModelBackend(TRITONBACKEND_Model* model, TRITONBACKEND_Backend** backend);
extern TRITONSERVER_Error* TRITONBACKEND_ModelState(TRITONBACKEND_Model* model, void** state);
extern TRITONSERVER_Error* TRITONBACKEND_ModelSetState(TRITONBACKEND_Model* model, void* state);
// 'usage' is an array of 'usage_size' buffer-attribute pointers (one per
// memory type / id) owned by the caller.
extern TRITONSERVER_Error* TRITONBACKEND_ModelReportMemoryUsage(TRITONBACKEND_Model* model,
                                                                TRITONSERVER_BufferAttributes** usage,
                                                                uint32_t usage_size);

// Model instance.
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceName(TRITONBACKEND_ModelInstance* instance, const char** name);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceKind(TRITONBACKEND_ModelInstance* instance,
                                                           TRITONSERVER_InstanceGroupKind* kind);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceDeviceId(TRITONBACKEND_ModelInstance* instance,
                                                               int32_t* device_id);
// The returned message is owned by Triton; do not delete it.
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceHostPolicy(TRITONBACKEND_ModelInstance* instance,
                                                                 TRITONSERVER_Message** host_policy);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceIsPassive(TRITONBACKEND_ModelInstance* instance,
                                                                bool* is_passive);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceProfileCount(TRITONBACKEND_ModelInstance* instance,
                                                                   uint32_t* count);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceProfileName(TRITONBACKEND_ModelInstance* instance,
                                                                  const uint32_t index, const char** profile_name);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceSecondaryDeviceCount(TRITONBACKEND_ModelInstance* instance,
                                                                           uint32_t* count);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceSecondaryDeviceProperties(TRITONBACKEND_ModelInstance* instance,
                                                                                uint32_t index, const char** kind,
                                                                                int64_t* id);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceModel(TRITONBACKEND_ModelInstance* instance,
                                                            TRITONBACKEND_Model** model);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceState(TRITONBACKEND_ModelInstance* instance, void** state);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceSetState(TRITONBACKEND_ModelInstance* instance, void* state);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReportMemoryUsage(TRITONBACKEND_ModelInstance* instance,
                                                                        TRITONSERVER_BufferAttributes** usage,
                                                                        uint32_t usage_size);
// Timestamps are nanoseconds from a steady clock.
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReportStatistics(TRITONBACKEND_ModelInstance* instance,
                                                                       TRITONBACKEND_Request* request,
                                                                       const bool success, const uint64_t exec_start_ns,
                                                                       const uint64_t compute_start_ns,
                                                                       const uint64_t compute_end_ns,
                                                                       const uint64_t exec_end_ns);
extern TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReportBatchStatistics(
    TRITONBACKEND_ModelInstance* instance, const uint64_t batch_size, const uint64_t exec_start_ns,
    const uint64_t compute_start_ns, const uint64_t compute_end_ns, const uint64_t exec_end_ns);

// Backend attributes (used from TRITONBACKEND_GetBackendAttribute).
// 'count' 0 and 'device_ids' null mean "use Triton's default".
extern TRITONSERVER_Error* TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup(
    TRITONBACKEND_BackendAttribute* backend_attributes, const TRITONSERVER_InstanceGroupKind kind, const uint64_t count,
    const uint64_t* device_ids, const uint64_t id_count);
extern TRITONSERVER_Error* TRITONBACKEND_BackendAttributeSetParallelModelInstanceLoading(
    TRITONBACKEND_BackendAttribute* backend_attributes, bool enabled);

// ---------------------------------------------------------------------------
// Entry points implemented by the backend (looked up by Triton).
// ModelInstanceExecute is mandatory; the others are optional.
// ---------------------------------------------------------------------------
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_Initialize(TRITONBACKEND_Backend* backend);
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_Finalize(TRITONBACKEND_Backend* backend);
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_ModelInitialize(TRITONBACKEND_Model* model);
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_ModelFinalize(TRITONBACKEND_Model* model);
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_ModelInstanceInitialize(TRITONBACKEND_ModelInstance* instance);
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_ModelInstanceFinalize(TRITONBACKEND_ModelInstance* instance);
// On success, ownership of every request passes to the backend (the array
// itself stays owned by Triton); on error, ownership stays with Triton.
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_ModelInstanceExecute(TRITONBACKEND_ModelInstance* instance,
                                                                           TRITONBACKEND_Request** requests,
                                                                           const uint32_t request_count);
// API 1.19, optional: nullptr when the instance can run requests, else an
// error saying why it cannot. Servers that look it up call it when asked
// whether the model is ready; Triton 2.51 does not look it up.
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReady(TRITONBACKEND_ModelInstance* instance);
TRITONBACKEND_ISPEC TRITONSERVER_Error* TRITONBACKEND_GetBackendAttribute(
    TRITONBACKEND_Backend* backend, TRITONBACKEND_BackendAttribute* backend_attributes);

#ifdef __cplusplus
}  // extern "C"
#endif
