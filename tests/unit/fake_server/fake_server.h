#pragma once
// A stand-in for the Triton server, for unit tests of src/execute/. It
// defines the TRITONBACKEND_* / TRITONSERVER_* functions that the execute
// pipeline calls (declared in src/triton_api/), over plain objects that a
// test fills in and then inspects. The backend links these definitions
// instead of the server's: the C API itself is the seam, so the production
// code is the same, call for call.
//
// The handles the backend gets are these objects, cast: the API declares
// every handle type opaque, so the backend never looks inside one.
//
// Threading: every server call takes one process-wide lock, so a threaded
// Responder may call in while the test thread waits in WaitForReleases.
// Read a Request's records after WaitForReleases or once the Responder is
// destroyed.

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "triton_api/tritonbackend_api.h"

namespace fake_server {

class Request;
struct Response;

struct Buffer {
  std::vector<char> bytes;
  TRITONSERVER_MemoryType memory_type = TRITONSERVER_MEMORY_CPU;
  int64_t memory_type_id = 0;
};

struct Input {
  std::string name;
  TRITONSERVER_DataType datatype = TRITONSERVER_TYPE_INVALID;
  std::vector<int64_t> shape;
  std::vector<Buffer> buffers;
  // What TRITONBACKEND_InputProperties reports; -1: the buffers' total.
  int64_t declared_byte_size = -1;
  // Data attached under a host-policy name (as a client does with
  // TRITONSERVER_InferenceRequestAppendInputDataWithHostPolicy). The
  // *ForHostPolicy calls return these for that name, and `buffers` (the
  // default data) for any other name or nullptr, as the server does.
  std::map<std::string, std::vector<Buffer>> host_policy_buffers;
  // The host-policy name of the last *ForHostPolicy call ("" for nullptr).
  mutable std::string last_host_policy;
};

// One output the backend created with TRITONBACKEND_ResponseOutput.
struct Output {
  std::string name;
  TRITONSERVER_DataType datatype = TRITONSERVER_TYPE_INVALID;
  std::vector<int64_t> shape;
  bool has_buffer = false;  // TRITONBACKEND_OutputBuffer succeeded
  std::vector<char> data;   // the buffer the backend wrote into
  Response* owner = nullptr;

  template <typename T>
  std::vector<T> As() const {
    std::vector<T> v(data.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), data.data(), v.size() * sizeof(T));
    return v;
  }
};

struct Response {
  // Pointers: the backend keeps an Output handle while it adds the next one.
  std::vector<std::unique_ptr<Output>> outputs;
  int send_count = 0;
  uint32_t send_flags = 0;
  bool has_error = false;  // sent with an error
  TRITONSERVER_Error_Code error_code = TRITONSERVER_ERROR_UNKNOWN;
  std::string error_message;
  Request* owner = nullptr;

  const Output* FindOutput(const std::string& name) const;
};

// One sequence state written with TRITONBACKEND_StateNew/StateBuffer/StateUpdate.
struct State {
  std::string name;
  TRITONSERVER_DataType datatype = TRITONSERVER_TYPE_INVALID;
  std::vector<int64_t> shape;
  std::vector<char> data;
  bool updated = false;
};

class Request {
 public:
  // What the client sent.
  std::vector<Input> inputs;
  std::vector<std::string> requested_outputs;
  bool cancelled = false;
  uint64_t correlation_id = 0;

  // Failures the test asks for.
  bool fail_response_new = false;
  bool fail_send = false;
  std::set<std::string> fail_output_buffer;  // outputs whose TRITONBACKEND_OutputBuffer fails
  // The memory TRITONBACKEND_OutputBuffer says it returns (the bytes are
  // always host memory: a GPU answer only tests that the backend refuses it).
  TRITONSERVER_MemoryType output_memory_type = TRITONSERVER_MEMORY_CPU;

  // What the backend did.
  std::vector<std::unique_ptr<Response>> responses;
  std::vector<std::unique_ptr<State>> states;
  int release_count = 0;
  uint32_t release_flags = 0;

  // One input in one host buffer.
  Input& AddInput(const std::string& name, TRITONSERVER_DataType datatype, std::vector<int64_t> shape,
                  std::vector<char> bytes);
  // The first response; throws (failing the test) when there is none.
  const Response& response() const;

  TRITONBACKEND_Request* handle() { return reinterpret_cast<TRITONBACKEND_Request*>(this); }
};

struct StatisticsCall {
  const Request* request = nullptr;
  bool success = false;
  uint64_t exec_start_ns = 0, compute_start_ns = 0, compute_end_ns = 0, exec_end_ns = 0;
};

struct BatchStatisticsCall {
  uint64_t batch_size = 0, exec_start_ns = 0, compute_start_ns = 0, compute_end_ns = 0, exec_end_ns = 0;
};

class Instance {
 public:
  std::vector<StatisticsCall> statistics;
  std::vector<BatchStatisticsCall> batch_statistics;

  TRITONBACKEND_ModelInstance* handle() { return reinterpret_cast<TRITONBACKEND_ModelInstance*>(this); }
};

// Request-level calls in the order they were made, across all requests.
struct Event {
  enum Kind { kStatistics, kSend, kRelease } kind;
  const Request* request;
};

struct LogLine {
  TRITONSERVER_LogLevel level;
  std::string message;
};

// Element bytes, as a client puts them on the wire.
template <typename T>
std::vector<char> Bytes(std::initializer_list<T> values) {
  std::vector<char> b(values.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), values.begin(), b.size());
  return b;
}
// Triton's BYTES wire form: a 4-byte little-endian length before each element.
std::vector<char> StringBytes(const std::vector<std::string>& elements);
// The elements of a BYTES output.
std::vector<std::string> DecodeStrings(const std::vector<char>& bytes);

// Clears the events and log lines (call at the start of each test).
void Reset();
std::vector<Event> Events();
std::vector<LogLine> LogLines();
// Errors the fake created and nobody deleted yet: the backend must delete
// every error a call returns to it.
int LiveErrors();
// Blocks until `count` request releases have happened since Reset (5 s at most).
bool WaitForReleases(size_t count);

}  // namespace fake_server
