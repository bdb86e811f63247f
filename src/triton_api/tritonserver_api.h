// Minimal, independently written declarations of the subset of the Triton
// Inference Server "TRITONSERVER" C API that this backend uses.
//
// Only interface facts (names, signatures, enumerator values) are reproduced
// here so that the backend can be compiled without the Triton source tree.
// All functions below are implemented by the Triton server library; the
// backend takes them from it at TRITONBACKEND_Initialize (server_functions.h).
#pragma once

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

// API version this declaration set corresponds to.
#define TRITONSERVER_API_VERSION_MAJOR 1
#define TRITONSERVER_API_VERSION_MINOR 34

// ---------------------------------------------------------------------------
// Opaque handle types (never dereferenced by the backend).
// ---------------------------------------------------------------------------
typedef struct TRITONSERVER_Error TRITONSERVER_Error;
typedef struct TRITONSERVER_Message TRITONSERVER_Message;
typedef struct TRITONSERVER_Server TRITONSERVER_Server;
typedef struct TRITONSERVER_BufferAttributes TRITONSERVER_BufferAttributes;
typedef struct TRITONSERVER_Parameter TRITONSERVER_Parameter;
typedef struct TRITONSERVER_MetricFamily TRITONSERVER_MetricFamily;
typedef struct TRITONSERVER_Metric TRITONSERVER_Metric;
typedef struct TRITONSERVER_InferenceTrace TRITONSERVER_InferenceTrace;

// ---------------------------------------------------------------------------
// Enumerations. Values are part of the ABI and are spelled out explicitly.
// ---------------------------------------------------------------------------

// Tensor element types.
typedef enum TRITONSERVER_datatype_enum {
  TRITONSERVER_TYPE_INVALID = 0,
  TRITONSERVER_TYPE_BOOL = 1,
  TRITONSERVER_TYPE_UINT8 = 2,
  TRITONSERVER_TYPE_UINT16 = 3,
  TRITONSERVER_TYPE_UINT32 = 4,
  TRITONSERVER_TYPE_UINT64 = 5,
  TRITONSERVER_TYPE_INT8 = 6,
  TRITONSERVER_TYPE_INT16 = 7,
  TRITONSERVER_TYPE_INT32 = 8,
  TRITONSERVER_TYPE_INT64 = 9,
  TRITONSERVER_TYPE_FP16 = 10,
  TRITONSERVER_TYPE_FP32 = 11,
  TRITONSERVER_TYPE_FP64 = 12,
  TRITONSERVER_TYPE_BYTES = 13,
  TRITONSERVER_TYPE_BF16 = 14
} TRITONSERVER_DataType;

// Where a buffer lives.
typedef enum TRITONSERVER_memorytype_enum {
  TRITONSERVER_MEMORY_CPU = 0,
  TRITONSERVER_MEMORY_CPU_PINNED = 1,
  TRITONSERVER_MEMORY_GPU = 2
} TRITONSERVER_MemoryType;

// Type tag of a request/response parameter value.
typedef enum TRITONSERVER_parametertype_enum {
  TRITONSERVER_PARAMETER_STRING = 0,  // value is const char*
  TRITONSERVER_PARAMETER_INT = 1,     // value is const int64_t*
  TRITONSERVER_PARAMETER_BOOL = 2,    // value is const bool*
  TRITONSERVER_PARAMETER_DOUBLE = 3,  // value is const double*
  TRITONSERVER_PARAMETER_BYTES = 4
} TRITONSERVER_ParameterType;

// Kinds of metric families (custom metrics API).
typedef enum TRITONSERVER_metrickind_enum {
  TRITONSERVER_METRIC_KIND_COUNTER = 0,
  TRITONSERVER_METRIC_KIND_GAUGE = 1
} TRITONSERVER_MetricKind;

// Instance group kinds from the model configuration.
typedef enum TRITONSERVER_instancegroupkind_enum {
  TRITONSERVER_INSTANCEGROUPKIND_AUTO = 0,
  TRITONSERVER_INSTANCEGROUPKIND_CPU = 1,
  TRITONSERVER_INSTANCEGROUPKIND_GPU = 2,
  TRITONSERVER_INSTANCEGROUPKIND_MODEL = 3
} TRITONSERVER_InstanceGroupKind;

// Log severities.
typedef enum TRITONSERVER_loglevel_enum {
  TRITONSERVER_LOG_INFO = 0,
  TRITONSERVER_LOG_WARN = 1,
  TRITONSERVER_LOG_ERROR = 2,
  TRITONSERVER_LOG_VERBOSE = 3
} TRITONSERVER_LogLevel;

// Log line formats.
typedef enum TRITONSERVER_logformat_enum {
  TRITONSERVER_LOG_DEFAULT = 0,
  TRITONSERVER_LOG_ISO8601 = 1
} TRITONSERVER_LogFormat;

// Error codes carried by a TRITONSERVER_Error.
typedef enum TRITONSERVER_errorcode_enum {
  TRITONSERVER_ERROR_UNKNOWN = 0,
  TRITONSERVER_ERROR_INTERNAL = 1,
  TRITONSERVER_ERROR_NOT_FOUND = 2,
  TRITONSERVER_ERROR_INVALID_ARG = 3,
  TRITONSERVER_ERROR_UNAVAILABLE = 4,
  TRITONSERVER_ERROR_UNSUPPORTED = 5,
  TRITONSERVER_ERROR_ALREADY_EXISTS = 6,
  TRITONSERVER_ERROR_CANCELLED = 7
} TRITONSERVER_Error_Code;

// Bit flags reported by TRITONBACKEND_RequestFlags.
typedef enum TRITONSERVER_requestflag_enum {
  TRITONSERVER_REQUEST_FLAG_SEQUENCE_START = 1,
  TRITONSERVER_REQUEST_FLAG_SEQUENCE_END = 2
} TRITONSERVER_RequestFlag;

// Bit flags accepted by TRITONBACKEND_RequestRelease.
typedef enum TRITONSERVER_requestreleaseflag_enum {
  TRITONSERVER_REQUEST_RELEASE_ALL = 1,
  TRITONSERVER_REQUEST_RELEASE_RESCHEDULE = 2
} TRITONSERVER_RequestReleaseFlag;

// Bit flags accepted by TRITONBACKEND_ResponseSend / ResponseFactorySendFlags.
typedef enum TRITONSERVER_responsecompleteflag_enum {
  TRITONSERVER_RESPONSE_COMPLETE_FINAL = 1
} TRITONSERVER_ResponseCompleteFlag;

// ---------------------------------------------------------------------------
// Functions provided by the server.
// ---------------------------------------------------------------------------

// Version.
extern TRITONSERVER_Error* TRITONSERVER_ApiVersion(uint32_t* major, uint32_t* minor);

// Data types.
extern const char* TRITONSERVER_DataTypeString(TRITONSERVER_DataType datatype);
extern TRITONSERVER_DataType TRITONSERVER_StringToDataType(const char* dtype);
extern uint32_t TRITONSERVER_DataTypeByteSize(TRITONSERVER_DataType datatype);

// Memory types / instance kinds.
extern const char* TRITONSERVER_MemoryTypeString(TRITONSERVER_MemoryType memtype);
extern const char* TRITONSERVER_InstanceGroupKindString(TRITONSERVER_InstanceGroupKind kind);

// Logging.
extern bool TRITONSERVER_LogIsEnabled(TRITONSERVER_LogLevel level);
extern TRITONSERVER_Error* TRITONSERVER_LogMessage(TRITONSERVER_LogLevel level, const char* filename, const int line,
                                                   const char* msg);

// Errors. A null TRITONSERVER_Error* means success.
extern TRITONSERVER_Error* TRITONSERVER_ErrorNew(TRITONSERVER_Error_Code code, const char* msg);
extern void TRITONSERVER_ErrorDelete(TRITONSERVER_Error* error);
extern TRITONSERVER_Error_Code TRITONSERVER_ErrorCode(TRITONSERVER_Error* error);
extern const char* TRITONSERVER_ErrorCodeString(TRITONSERVER_Error* error);
extern const char* TRITONSERVER_ErrorMessage(TRITONSERVER_Error* error);

// JSON messages (model config, backend config, host policy).
extern TRITONSERVER_Error* TRITONSERVER_MessageNewFromSerializedJson(TRITONSERVER_Message** message, const char* base,
                                                                     size_t byte_size);
extern TRITONSERVER_Error* TRITONSERVER_MessageDelete(TRITONSERVER_Message* message);
extern TRITONSERVER_Error* TRITONSERVER_MessageSerializeToJson(TRITONSERVER_Message* message, const char** base,
                                                               size_t* byte_size);

// Buffer attributes. New/Delete/Set* are needed to build the arrays passed
// to TRITONBACKEND_{Model,ModelInstance}ReportMemoryUsage.
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesNew(TRITONSERVER_BufferAttributes** buffer_attributes);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesDelete(TRITONSERVER_BufferAttributes* buffer_attributes);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesSetMemoryTypeId(
    TRITONSERVER_BufferAttributes* buffer_attributes, int64_t memory_type_id);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesSetMemoryType(TRITONSERVER_BufferAttributes* buffer_attributes,
                                                                      TRITONSERVER_MemoryType memory_type);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesSetByteSize(TRITONSERVER_BufferAttributes* buffer_attributes,
                                                                    size_t byte_size);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesMemoryTypeId(TRITONSERVER_BufferAttributes* buffer_attributes,
                                                                     int64_t* memory_type_id);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesMemoryType(TRITONSERVER_BufferAttributes* buffer_attributes,
                                                                   TRITONSERVER_MemoryType* memory_type);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesCudaIpcHandle(TRITONSERVER_BufferAttributes* buffer_attributes,
                                                                      void** cuda_ipc_handle);
extern TRITONSERVER_Error* TRITONSERVER_BufferAttributesByteSize(TRITONSERVER_BufferAttributes* buffer_attributes,
                                                                 size_t* byte_size);

// Parameters (here: the labels of a metric). The object keeps its own copy
// of a STRING value.
extern TRITONSERVER_Parameter* TRITONSERVER_ParameterNew(const char* name, const TRITONSERVER_ParameterType type,
                                                         const void* value);
extern void TRITONSERVER_ParameterDelete(TRITONSERVER_Parameter* parameter);

// Custom metrics, shown on the server's Prometheus endpoint. A family must
// be deleted after all of its metrics; labels may be deleted once the metric
// is created.
extern TRITONSERVER_Error* TRITONSERVER_MetricFamilyNew(TRITONSERVER_MetricFamily** family,
                                                        const TRITONSERVER_MetricKind kind, const char* name,
                                                        const char* description);
extern TRITONSERVER_Error* TRITONSERVER_MetricFamilyDelete(TRITONSERVER_MetricFamily* family);
extern TRITONSERVER_Error* TRITONSERVER_MetricNew(TRITONSERVER_Metric** metric, TRITONSERVER_MetricFamily* family,
                                                  const TRITONSERVER_Parameter** labels, const uint64_t label_count);
extern TRITONSERVER_Error* TRITONSERVER_MetricDelete(TRITONSERVER_Metric* metric);
extern TRITONSERVER_Error* TRITONSERVER_MetricIncrement(TRITONSERVER_Metric* metric, double value);
extern TRITONSERVER_Error* TRITONSERVER_MetricSet(TRITONSERVER_Metric* metric, double value);

// Trace activities. TRITONSERVER_InferenceTraceReportActivity exists only in
// newer servers, so it is an optional slot of the server-function table
// (server_functions.h), not a declaration; this is only its signature: a
// custom activity named `activity_name` at `timestamp_ns` (steady clock, as
// TRITONBACKEND_* statistics timestamps).
typedef TRITONSERVER_Error* (*TRITONSERVER_InferenceTraceReportActivityFn)(TRITONSERVER_InferenceTrace* trace,
                                                                           uint64_t timestamp_ns,
                                                                           const char* activity_name);

#ifdef __cplusplus
}  // extern "C"
#endif
