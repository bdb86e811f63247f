#include "fake_server/fake_server.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

// The API declares the error type opaque; the fake gives it a body.
struct TRITONSERVER_Error {
  TRITONSERVER_Error_Code code;
  std::string message;
};

namespace fake_server {
namespace {

struct Records {
  std::mutex mutex;
  std::condition_variable released;
  std::vector<Event> events;
  std::vector<LogLine> log;
  size_t releases = 0;
  int live_errors = 0;
};

// Function-local, so it exists before any test's static objects call in.
Records& records() {
  static Records r;
  return r;
}

Request* AsRequest(TRITONBACKEND_Request* h) { return reinterpret_cast<Request*>(h); }
Input* AsInput(TRITONBACKEND_Input* h) { return reinterpret_cast<Input*>(h); }
Response* AsResponse(TRITONBACKEND_Response* h) { return reinterpret_cast<Response*>(h); }
Output* AsOutput(TRITONBACKEND_Output* h) { return reinterpret_cast<Output*>(h); }
Instance* AsInstance(TRITONBACKEND_ModelInstance* h) { return reinterpret_cast<Instance*>(h); }
State* AsState(TRITONBACKEND_State* h) { return reinterpret_cast<State*>(h); }

// The caller holds the lock.
TRITONSERVER_Error* NewError(TRITONSERVER_Error_Code code, std::string message) {
  ++records().live_errors;
  return new TRITONSERVER_Error{code, std::move(message)};
}

uint64_t TotalBytes(const Input& in) {
  uint64_t total = 0;
  for (const Buffer& b : in.buffers) total += b.bytes.size();
  return total;
}

}  // namespace

const Output* Response::FindOutput(const std::string& name) const {
  for (const auto& o : outputs)
    if (o->name == name) return o.get();
  return nullptr;
}

Input& Request::AddInput(const std::string& name, TRITONSERVER_DataType datatype, std::vector<int64_t> shape,
                         std::vector<char> bytes) {
  Input in;
  in.name = name;
  in.datatype = datatype;
  in.shape = std::move(shape);
  in.buffers.push_back(Buffer{std::move(bytes), TRITONSERVER_MEMORY_CPU, 0});
  inputs.push_back(std::move(in));
  return inputs.back();
}

const Response& Request::response() const {
  if (responses.empty()) throw std::logic_error("the backend created no response");
  return *responses.front();
}

std::vector<char> StringBytes(const std::vector<std::string>& elements) {
  std::vector<char> out;
  for (const std::string& e : elements) {
    const uint32_t n = static_cast<uint32_t>(e.size());
    for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((n >> (8 * k)) & 0xff));
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

std::vector<std::string> DecodeStrings(const std::vector<char>& bytes) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at + 4 <= bytes.size()) {
    uint32_t n = 0;
    for (int k = 0; k < 4; ++k) n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
    at += 4;
    if (at + n > bytes.size()) break;
    out.emplace_back(bytes.data() + at, n);
    at += n;
  }
  return out;
}

void Reset() {
  std::lock_guard<std::mutex> lock(records().mutex);
  records().events.clear();
  records().log.clear();
  records().releases = 0;
}

std::vector<Event> Events() {
  std::lock_guard<std::mutex> lock(records().mutex);
  return records().events;
}

std::vector<LogLine> LogLines() {
  std::lock_guard<std::mutex> lock(records().mutex);
  return records().log;
}

int LiveErrors() {
  std::lock_guard<std::mutex> lock(records().mutex);
  return records().live_errors;
}

bool WaitForReleases(size_t count) {
  std::unique_lock<std::mutex> lock(records().mutex);
  return records().released.wait_for(lock, std::chrono::seconds(5), [&] { return records().releases >= count; });
}

}  // namespace fake_server

using fake_server::records;
using Lock = std::lock_guard<std::mutex>;

extern "C" {

// --- Errors and logging ------------------------------------------------------

TRITONSERVER_Error* TRITONSERVER_ErrorNew(TRITONSERVER_Error_Code code, const char* msg) {
  Lock lock(records().mutex);
  return fake_server::NewError(code, msg != nullptr ? msg : "");
}

void TRITONSERVER_ErrorDelete(TRITONSERVER_Error* error) {
  if (error == nullptr) return;
  Lock lock(records().mutex);
  --records().live_errors;
  delete error;
}

TRITONSERVER_Error_Code TRITONSERVER_ErrorCode(TRITONSERVER_Error* error) { return error->code; }
const char* TRITONSERVER_ErrorMessage(TRITONSERVER_Error* error) { return error->message.c_str(); }

bool TRITONSERVER_LogIsEnabled(TRITONSERVER_LogLevel level) { return true; }

TRITONSERVER_Error* TRITONSERVER_LogMessage(TRITONSERVER_LogLevel level, const char* filename, const int line,
                                            const char* msg) {
  Lock lock(records().mutex);
  records().log.push_back(fake_server::LogLine{level, msg});
  return nullptr;
}

// --- Requests and their inputs ---------------------------------------------

TRITONSERVER_Error* TRITONBACKEND_RequestIsCancelled(TRITONBACKEND_Request* request, bool* is_cancelled) {
  Lock lock(records().mutex);
  *is_cancelled = fake_server::AsRequest(request)->cancelled;
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_RequestCorrelationId(TRITONBACKEND_Request* request, uint64_t* id) {
  Lock lock(records().mutex);
  *id = fake_server::AsRequest(request)->correlation_id;
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_RequestCorrelationIdString(TRITONBACKEND_Request* request, const char** id) {
  Lock lock(records().mutex);
  return fake_server::NewError(TRITONSERVER_ERROR_INVALID_ARG, "the correlation id is numeric");
}

TRITONSERVER_Error* TRITONBACKEND_RequestInputCount(TRITONBACKEND_Request* request, uint32_t* count) {
  Lock lock(records().mutex);
  *count = static_cast<uint32_t>(fake_server::AsRequest(request)->inputs.size());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_RequestInputByIndex(TRITONBACKEND_Request* request, const uint32_t index,
                                                      TRITONBACKEND_Input** input) {
  Lock lock(records().mutex);
  auto& inputs = fake_server::AsRequest(request)->inputs;
  if (index >= inputs.size()) return fake_server::NewError(TRITONSERVER_ERROR_INVALID_ARG, "no such input");
  *input = reinterpret_cast<TRITONBACKEND_Input*>(&inputs[index]);
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_InputProperties(TRITONBACKEND_Input* input, const char** name,
                                                  TRITONSERVER_DataType* datatype, const int64_t** shape,
                                                  uint32_t* dims_count, uint64_t* byte_size, uint32_t* buffer_count) {
  Lock lock(records().mutex);
  const fake_server::Input& in = *fake_server::AsInput(input);
  if (name) *name = in.name.c_str();
  if (datatype) *datatype = in.datatype;
  if (shape) *shape = in.shape.data();
  if (dims_count) *dims_count = static_cast<uint32_t>(in.shape.size());
  if (byte_size)
    *byte_size =
        in.declared_byte_size >= 0 ? static_cast<uint64_t>(in.declared_byte_size) : fake_server::TotalBytes(in);
  if (buffer_count) *buffer_count = static_cast<uint32_t>(in.buffers.size());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_InputBuffer(TRITONBACKEND_Input* input, const uint32_t index, const void** buffer,
                                              uint64_t* buffer_byte_size, TRITONSERVER_MemoryType* memory_type,
                                              int64_t* memory_type_id) {
  Lock lock(records().mutex);
  const fake_server::Input& in = *fake_server::AsInput(input);
  if (index >= in.buffers.size()) return fake_server::NewError(TRITONSERVER_ERROR_INVALID_ARG, "no such buffer");
  const fake_server::Buffer& b = in.buffers[index];
  *buffer = b.bytes.data();
  *buffer_byte_size = b.bytes.size();
  *memory_type = b.memory_type;
  *memory_type_id = b.memory_type_id;
  return nullptr;
}

namespace fake_server {
namespace {
// The buffers a *ForHostPolicy call sees: the policy's own, or the default ones.
const std::vector<Buffer>& BuffersFor(const Input& in, const char* host_policy) {
  in.last_host_policy = host_policy != nullptr ? host_policy : "";
  if (host_policy != nullptr) {
    auto it = in.host_policy_buffers.find(host_policy);
    if (it != in.host_policy_buffers.end()) return it->second;
  }
  return in.buffers;
}
}  // namespace
}  // namespace fake_server

TRITONSERVER_Error* TRITONBACKEND_InputPropertiesForHostPolicy(TRITONBACKEND_Input* input, const char* host_policy_name,
                                                               const char** name, TRITONSERVER_DataType* datatype,
                                                               const int64_t** shape, uint32_t* dims_count,
                                                               uint64_t* byte_size, uint32_t* buffer_count) {
  Lock lock(records().mutex);
  const fake_server::Input& in = *fake_server::AsInput(input);
  const auto& buffers = fake_server::BuffersFor(in, host_policy_name);
  uint64_t total = 0;
  for (const auto& b : buffers) total += b.bytes.size();
  if (name) *name = in.name.c_str();
  if (datatype) *datatype = in.datatype;
  if (shape) *shape = in.shape.data();
  if (dims_count) *dims_count = static_cast<uint32_t>(in.shape.size());
  if (byte_size) *byte_size = in.declared_byte_size >= 0 ? static_cast<uint64_t>(in.declared_byte_size) : total;
  if (buffer_count) *buffer_count = static_cast<uint32_t>(buffers.size());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_InputBufferForHostPolicy(TRITONBACKEND_Input* input, const char* host_policy_name,
                                                           const uint32_t index, const void** buffer,
                                                           uint64_t* buffer_byte_size,
                                                           TRITONSERVER_MemoryType* memory_type,
                                                           int64_t* memory_type_id) {
  Lock lock(records().mutex);
  const fake_server::Input& in = *fake_server::AsInput(input);
  const auto& buffers = fake_server::BuffersFor(in, host_policy_name);
  if (index >= buffers.size()) return fake_server::NewError(TRITONSERVER_ERROR_INVALID_ARG, "no such buffer");
  const fake_server::Buffer& b = buffers[index];
  *buffer = b.bytes.data();
  *buffer_byte_size = b.bytes.size();
  *memory_type = b.memory_type;
  *memory_type_id = b.memory_type_id;
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_RequestOutputCount(TRITONBACKEND_Request* request, uint32_t* count) {
  Lock lock(records().mutex);
  *count = static_cast<uint32_t>(fake_server::AsRequest(request)->requested_outputs.size());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_RequestOutputName(TRITONBACKEND_Request* request, const uint32_t index,
                                                    const char** output_name) {
  Lock lock(records().mutex);
  const auto& names = fake_server::AsRequest(request)->requested_outputs;
  if (index >= names.size()) return fake_server::NewError(TRITONSERVER_ERROR_INVALID_ARG, "no such output");
  *output_name = names[index].c_str();
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_RequestRelease(TRITONBACKEND_Request* request, uint32_t release_flags) {
  {
    Lock lock(records().mutex);
    fake_server::Request* r = fake_server::AsRequest(request);
    ++r->release_count;
    r->release_flags = release_flags;
    records().events.push_back(fake_server::Event{fake_server::Event::kRelease, r});
    ++records().releases;
  }
  records().released.notify_all();
  return nullptr;
}

// --- Responses and their outputs -------------------------------------------

TRITONSERVER_Error* TRITONBACKEND_ResponseNew(TRITONBACKEND_Response** response, TRITONBACKEND_Request* request) {
  Lock lock(records().mutex);
  fake_server::Request* r = fake_server::AsRequest(request);
  if (r->fail_response_new) return fake_server::NewError(TRITONSERVER_ERROR_INTERNAL, "out of responses");
  r->responses.push_back(std::make_unique<fake_server::Response>());
  r->responses.back()->owner = r;
  *response = reinterpret_cast<TRITONBACKEND_Response*>(r->responses.back().get());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_ResponseOutput(TRITONBACKEND_Response* response, TRITONBACKEND_Output** output,
                                                 const char* name, const TRITONSERVER_DataType datatype,
                                                 const int64_t* shape, const uint32_t dims_count) {
  Lock lock(records().mutex);
  auto out = std::make_unique<fake_server::Output>();
  out->name = name;
  out->datatype = datatype;
  out->shape.assign(shape, shape + dims_count);
  fake_server::Response* resp = fake_server::AsResponse(response);
  out->owner = resp;
  resp->outputs.push_back(std::move(out));
  *output = reinterpret_cast<TRITONBACKEND_Output*>(resp->outputs.back().get());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_OutputBuffer(TRITONBACKEND_Output* output, void** buffer,
                                               const uint64_t buffer_byte_size, TRITONSERVER_MemoryType* memory_type,
                                               int64_t* memory_type_id) {
  Lock lock(records().mutex);
  fake_server::Output* out = fake_server::AsOutput(output);
  const fake_server::Request& r = *out->owner->owner;
  if (r.fail_output_buffer.count(out->name) != 0)
    return fake_server::NewError(TRITONSERVER_ERROR_UNAVAILABLE, "no memory for output '" + out->name + "'");
  out->data.assign(buffer_byte_size, 0);
  out->has_buffer = true;
  *buffer = out->data.data();
  *memory_type = r.output_memory_type;
  *memory_type_id = 0;
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_ResponseSend(TRITONBACKEND_Response* response, const uint32_t send_flags,
                                               TRITONSERVER_Error* error) {
  Lock lock(records().mutex);
  fake_server::Response* resp = fake_server::AsResponse(response);
  records().events.push_back(fake_server::Event{fake_server::Event::kSend, resp->owner});
  if (resp->owner->fail_send) return fake_server::NewError(TRITONSERVER_ERROR_INTERNAL, "the client went away");
  ++resp->send_count;
  resp->send_flags = send_flags;
  // The caller keeps (and deletes) `error`, so its contents are copied.
  resp->has_error = error != nullptr;
  if (error != nullptr) {
    resp->error_code = error->code;
    resp->error_message = error->message;
  }
  return nullptr;
}

// --- Sequence state --------------------------------------------------------

TRITONSERVER_Error* TRITONBACKEND_StateNew(TRITONBACKEND_State** state, TRITONBACKEND_Request* request,
                                           const char* name, const TRITONSERVER_DataType datatype, const int64_t* shape,
                                           const uint32_t dims_count) {
  Lock lock(records().mutex);
  fake_server::Request* r = fake_server::AsRequest(request);
  auto st = std::make_unique<fake_server::State>();
  st->name = name;
  st->datatype = datatype;
  st->shape.assign(shape, shape + dims_count);
  r->states.push_back(std::move(st));
  *state = reinterpret_cast<TRITONBACKEND_State*>(r->states.back().get());
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_StateBuffer(TRITONBACKEND_State* state, void** buffer,
                                              const uint64_t buffer_byte_size, TRITONSERVER_MemoryType* memory_type,
                                              int64_t* memory_type_id) {
  Lock lock(records().mutex);
  fake_server::State* st = fake_server::AsState(state);
  st->data.assign(buffer_byte_size, 0);
  *buffer = st->data.data();
  *memory_type = TRITONSERVER_MEMORY_CPU;
  *memory_type_id = 0;
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_StateUpdate(TRITONBACKEND_State* state) {
  Lock lock(records().mutex);
  fake_server::AsState(state)->updated = true;
  return nullptr;
}

// --- Statistics ----------------------------------------------------------------

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReportStatistics(TRITONBACKEND_ModelInstance* instance,
                                                                TRITONBACKEND_Request* request, const bool success,
                                                                const uint64_t exec_start_ns,
                                                                const uint64_t compute_start_ns,
                                                                const uint64_t compute_end_ns,
                                                                const uint64_t exec_end_ns) {
  Lock lock(records().mutex);
  const fake_server::Request* r = fake_server::AsRequest(request);
  fake_server::AsInstance(instance)->statistics.push_back(
      fake_server::StatisticsCall{r, success, exec_start_ns, compute_start_ns, compute_end_ns, exec_end_ns});
  records().events.push_back(fake_server::Event{fake_server::Event::kStatistics, r});
  return nullptr;
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceReportBatchStatistics(
    TRITONBACKEND_ModelInstance* instance, const uint64_t batch_size, const uint64_t exec_start_ns,
    const uint64_t compute_start_ns, const uint64_t compute_end_ns, const uint64_t exec_end_ns) {
  Lock lock(records().mutex);
  fake_server::AsInstance(instance)->batch_statistics.push_back(
      fake_server::BatchStatisticsCall{batch_size, exec_start_ns, compute_start_ns, compute_end_ns, exec_end_ns});
  return nullptr;
}

}  // extern "C"
