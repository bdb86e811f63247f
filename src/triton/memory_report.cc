#include "triton/memory_report.h"

#include "triton/error.h"

namespace ortbackend {

Status ReportInstanceMemory(TRITONBACKEND_ModelInstance* instance, TRITONSERVER_MemoryType type, int64_t device_id,
                            uint64_t bytes) {
  TRITONSERVER_BufferAttributes* attrs = nullptr;
  TRITONSERVER_Error* err = TRITONSERVER_BufferAttributesNew(&attrs);
  if (err == nullptr) err = TRITONSERVER_BufferAttributesSetMemoryType(attrs, type);
  if (err == nullptr) err = TRITONSERVER_BufferAttributesSetMemoryTypeId(attrs, device_id);
  if (err == nullptr) err = TRITONSERVER_BufferAttributesSetByteSize(attrs, bytes);
  if (err == nullptr) err = TRITONBACKEND_ModelInstanceReportMemoryUsage(instance, &attrs, 1);
  if (attrs != nullptr) {
    TRITONSERVER_Error* del = TRITONSERVER_BufferAttributesDelete(attrs);
    LogIfError(del, "", "deleting buffer attributes");
  }
  return FromTritonError(err, "reporting memory usage");
}

}  // namespace ortbackend
