#pragma once
// The Triton functions the backend calls, taken from the server library at
// TRITONBACKEND_Initialize and kept in one table (docs/building.md says why
// they are not left for the dynamic linker).
//
// The rest of the code calls them by their C names, as declared in
// tritonserver_api.h and tritonbackend_api.h: each name is defined once in
// this library (server_function_forwarders.cc) as a hidden function that
// jumps through the table. To use another server function, declare it in
// those headers and add one line to ORTB_TRITON_SERVER_FUNCTIONS. The shared
// backend is linked with --no-undefined, so a declared function that is used
// but not listed here fails the build instead of the load.
//
// The execute unit tests do not see any of this: they link the pipeline
// (ortbackend_server) against a fake server that defines the C names itself.

#include "common/status.h"
#include "triton_api/tritonbackend_api.h"
#include "triton_api/tritonserver_api.h"

// X(name, parameter count): every server function declared in
// src/triton_api/. All are required: a server of backend API 1.19 or newer
// (what CheckApiVersion accepts) has each of them.
#define ORTB_TRITON_SERVER_FUNCTIONS(X)                         \
  X(TRITONSERVER_ApiVersion, 2)                                 \
  X(TRITONSERVER_DataTypeString, 1)                             \
  X(TRITONSERVER_StringToDataType, 1)                           \
  X(TRITONSERVER_DataTypeByteSize, 1)                           \
  X(TRITONSERVER_MemoryTypeString, 1)                           \
  X(TRITONSERVER_InstanceGroupKindString, 1)                    \
  X(TRITONSERVER_LogIsEnabled, 1)                               \
  X(TRITONSERVER_LogMessage, 4)                                 \
  X(TRITONSERVER_ErrorNew, 2)                                   \
  X(TRITONSERVER_ErrorDelete, 1)                                \
  X(TRITONSERVER_ErrorCode, 1)                                  \
  X(TRITONSERVER_ErrorCodeString, 1)                            \
  X(TRITONSERVER_ErrorMessage, 1)                               \
  X(TRITONSERVER_MessageNewFromSerializedJson, 3)               \
  X(TRITONSERVER_MessageDelete, 1)                              \
  X(TRITONSERVER_MessageSerializeToJson, 3)                     \
  X(TRITONSERVER_BufferAttributesNew, 1)                        \
  X(TRITONSERVER_BufferAttributesDelete, 1)                     \
  X(TRITONSERVER_BufferAttributesSetMemoryTypeId, 2)            \
  X(TRITONSERVER_BufferAttributesSetMemoryType, 2)              \
  X(TRITONSERVER_BufferAttributesSetByteSize, 2)                \
  X(TRITONSERVER_BufferAttributesMemoryTypeId, 2)               \
  X(TRITONSERVER_BufferAttributesMemoryType, 2)                 \
  X(TRITONSERVER_BufferAttributesCudaIpcHandle, 2)              \
  X(TRITONSERVER_BufferAttributesByteSize, 2)                   \
  X(TRITONSERVER_ParameterNew, 3)                               \
  X(TRITONSERVER_ParameterDelete, 1)                            \
  X(TRITONSERVER_MetricFamilyNew, 4)                            \
  X(TRITONSERVER_MetricFamilyDelete, 1)                         \
  X(TRITONSERVER_MetricNew, 4)                                  \
  X(TRITONSERVER_MetricDelete, 1)                               \
  X(TRITONSERVER_MetricIncrement, 2)                            \
  X(TRITONSERVER_MetricSet, 2)                                  \
  X(TRITONBACKEND_ApiVersion, 2)                                \
  X(TRITONBACKEND_MemoryManagerAllocate, 5)                     \
  X(TRITONBACKEND_MemoryManagerFree, 4)                         \
  X(TRITONBACKEND_InputProperties, 7)                           \
  X(TRITONBACKEND_InputPropertiesForHostPolicy, 8)              \
  X(TRITONBACKEND_InputBuffer, 6)                               \
  X(TRITONBACKEND_InputBufferForHostPolicy, 7)                  \
  X(TRITONBACKEND_InputBufferAttributes, 4)                     \
  X(TRITONBACKEND_OutputBuffer, 5)                              \
  X(TRITONBACKEND_OutputBufferAttributes, 2)                    \
  X(TRITONBACKEND_RequestId, 2)                                 \
  X(TRITONBACKEND_RequestTrace, 2)                              \
  X(TRITONBACKEND_RequestIsCancelled, 2)                        \
  X(TRITONBACKEND_RequestCorrelationId, 2)                      \
  X(TRITONBACKEND_RequestCorrelationIdString, 2)                \
  X(TRITONBACKEND_RequestFlags, 2)                              \
  X(TRITONBACKEND_RequestParameterCount, 2)                     \
  X(TRITONBACKEND_RequestParameter, 5)                          \
  X(TRITONBACKEND_RequestInputCount, 2)                         \
  X(TRITONBACKEND_RequestInputName, 3)                          \
  X(TRITONBACKEND_RequestInput, 3)                              \
  X(TRITONBACKEND_RequestInputByIndex, 3)                       \
  X(TRITONBACKEND_RequestOutputCount, 2)                        \
  X(TRITONBACKEND_RequestOutputName, 3)                         \
  X(TRITONBACKEND_RequestOutputBufferProperties, 5)             \
  X(TRITONBACKEND_RequestRelease, 2)                            \
  X(TRITONBACKEND_ResponseFactoryNew, 2)                        \
  X(TRITONBACKEND_ResponseFactoryDelete, 1)                     \
  X(TRITONBACKEND_ResponseFactoryIsCancelled, 2)                \
  X(TRITONBACKEND_ResponseFactorySendFlags, 2)                  \
  X(TRITONBACKEND_ResponseNew, 2)                               \
  X(TRITONBACKEND_ResponseNewFromFactory, 2)                    \
  X(TRITONBACKEND_ResponseDelete, 1)                            \
  X(TRITONBACKEND_ResponseSetStringParameter, 3)                \
  X(TRITONBACKEND_ResponseSetIntParameter, 3)                   \
  X(TRITONBACKEND_ResponseSetBoolParameter, 3)                  \
  X(TRITONBACKEND_ResponseSetDoubleParameter, 3)                \
  X(TRITONBACKEND_ResponseOutput, 6)                            \
  X(TRITONBACKEND_ResponseSend, 3)                              \
  X(TRITONBACKEND_StateNew, 6)                                  \
  X(TRITONBACKEND_StateUpdate, 1)                               \
  X(TRITONBACKEND_StateBuffer, 5)                               \
  X(TRITONBACKEND_StateBufferAttributes, 2)                     \
  X(TRITONBACKEND_BackendName, 2)                               \
  X(TRITONBACKEND_BackendConfig, 2)                             \
  X(TRITONBACKEND_BackendExecutionPolicy, 2)                    \
  X(TRITONBACKEND_BackendSetExecutionPolicy, 2)                 \
  X(TRITONBACKEND_BackendArtifacts, 3)                          \
  X(TRITONBACKEND_BackendMemoryManager, 2)                      \
  X(TRITONBACKEND_BackendState, 2)                              \
  X(TRITONBACKEND_BackendSetState, 2)                           \
  X(TRITONBACKEND_ModelName, 2)                                 \
  X(TRITONBACKEND_ModelVersion, 2)                              \
  X(TRITONBACKEND_ModelRepository, 3)                           \
  X(TRITONBACKEND_ModelConfig, 3)                               \
  X(TRITONBACKEND_ModelAutoCompleteConfig, 2)                   \
  X(TRITONBACKEND_ModelSetConfig, 3)                            \
  X(TRITONBACKEND_ModelServer, 2)                               \
  X(TRITONBACKEND_ModelBackend, 2)                              \
  X(TRITONBACKEND_ModelState, 2)                                \
  X(TRITONBACKEND_ModelSetState, 2)                             \
  X(TRITONBACKEND_ModelReportMemoryUsage, 3)                    \
  X(TRITONBACKEND_ModelInstanceName, 2)                         \
  X(TRITONBACKEND_ModelInstanceKind, 2)                         \
  X(TRITONBACKEND_ModelInstanceDeviceId, 2)                     \
  X(TRITONBACKEND_ModelInstanceHostPolicy, 2)                   \
  X(TRITONBACKEND_ModelInstanceIsPassive, 2)                    \
  X(TRITONBACKEND_ModelInstanceProfileCount, 2)                 \
  X(TRITONBACKEND_ModelInstanceProfileName, 3)                  \
  X(TRITONBACKEND_ModelInstanceSecondaryDeviceCount, 2)         \
  X(TRITONBACKEND_ModelInstanceSecondaryDeviceProperties, 4)    \
  X(TRITONBACKEND_ModelInstanceModel, 2)                        \
  X(TRITONBACKEND_ModelInstanceState, 2)                        \
  X(TRITONBACKEND_ModelInstanceSetState, 2)                     \
  X(TRITONBACKEND_ModelInstanceReportMemoryUsage, 3)            \
  X(TRITONBACKEND_ModelInstanceReportStatistics, 7)             \
  X(TRITONBACKEND_ModelInstanceReportBatchStatistics, 6)        \
  X(TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup, 5) \
  X(TRITONBACKEND_BackendAttributeSetParallelModelInstanceLoading, 2)

// X(name, function pointer type): functions newer servers have and older
// ones lack. Their slot stays null when the server has none; callers test it
// and call through the table.
#define ORTB_TRITON_OPTIONAL_FUNCTIONS(X) \
  X(TRITONSERVER_InferenceTraceReportActivity, TRITONSERVER_InferenceTraceReportActivityFn)

namespace ortbackend::triton_api {

struct ServerFunctions {
#define ORTB_REQUIRED_SLOT(name, arity) decltype(&::name) name = nullptr;
  ORTB_TRITON_SERVER_FUNCTIONS(ORTB_REQUIRED_SLOT)
#undef ORTB_REQUIRED_SLOT
#define ORTB_OPTIONAL_SLOT(name, type) type name = nullptr;
  ORTB_TRITON_OPTIONAL_FUNCTIONS(ORTB_OPTIONAL_SLOT)
#undef ORTB_OPTIONAL_SLOT
};

// The one table. Written only by ResolveServerFunctions, before the server
// can call any other entry point of the backend; read-only afterwards.
extern ServerFunctions server_functions;

// Finds the Triton server library loaded in this process, whatever its file
// name, and fills server_functions from it. Called first thing in
// TRITONBACKEND_Initialize. Fails when no loaded object has Triton's
// functions, or when the one found lacks some of them (the message names
// the library and the missing functions).
Status ResolveServerFunctions();

// Whether ResolveServerFunctions has succeeded, so every slot is filled.
bool ServerFunctionsResolved();

// Whether server_functions can make a TRITONSERVER_Error (the server's
// TRITONSERVER_ErrorNew was found), i.e. whether a failure of
// ResolveServerFunctions can go back to the caller as a Triton error.
bool CanMakeServerErrors();

// For TRITONBACKEND_Initialize when no server was found: writes `status` to
// stderr (there is no server log to write to) and returns a non-null value
// so that the caller sees a failure. The value is not a TRITONSERVER_Error
// the caller can read: only a server can make one.
TRITONSERVER_Error* FailWithoutServer(const Status& status);

}  // namespace ortbackend::triton_api
