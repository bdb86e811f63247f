// An application that embeds Triton through its in-process C API, as
// Triton's Python API and perf_analyzer's C API mode do: it opens the server
// library with RTLD_LOCAL (so none of Triton's symbols is global), starts a
// server on a model repository in explicit model-control mode, loads one
// model, runs one inference with FP32 inputs, prints the outputs, unloads the
// model and shuts the server down. Every step's error ends the program with
// a message and exit status 1. tests/integration/test_embedded_server.py
// runs it against our backend.
//
//   triton_capi_host --server-library PATH --model-repository DIR --backend-directory DIR
//                    --model NAME --shape D0,D1,... --input NAME=V0,V1,... [--input ...]
//                    --output NAME [--output ...]
//
// Prints one line per output: "<name> <dims, comma-separated> <values>", the
// values with 9 significant digits (exact for float32).

#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "tritonserver_inprocess_api.h"

namespace {

#define HOST_FUNCTIONS(X)                                                                                          \
  X(TRITONSERVER_ErrorMessage)                                                                                     \
  X(TRITONSERVER_ErrorDelete)                                                                                      \
  X(TRITONSERVER_MessageSerializeToJson)                                                                           \
  X(TRITONSERVER_MessageDelete)                                                                                    \
  X(TRITONSERVER_ServerModelIndex)                                                                                 \
  X(TRITONSERVER_ServerOptionsNew)                                                                                 \
  X(TRITONSERVER_ServerOptionsDelete)                                                                              \
  X(TRITONSERVER_ServerOptionsSetModelRepositoryPath)                                                              \
  X(TRITONSERVER_ServerOptionsSetModelControlMode)                                                                 \
  X(TRITONSERVER_ServerOptionsSetBackendDirectory)                                                                 \
  X(TRITONSERVER_ServerOptionsSetExitTimeout)                                                                      \
  X(TRITONSERVER_ServerOptionsSetLogVerbose)                                                                       \
  X(TRITONSERVER_ServerNew)                                                                                        \
  X(TRITONSERVER_ServerDelete)                                                                                     \
  X(TRITONSERVER_ServerStop)                                                                                       \
  X(TRITONSERVER_ServerIsLive)                                                                                     \
  X(TRITONSERVER_ServerLoadModel)                                                                                  \
  X(TRITONSERVER_ServerUnloadModel)                                                                                \
  X(TRITONSERVER_ServerModelIsReady)                                                                               \
  X(TRITONSERVER_ServerInferAsync)                                                                                 \
  X(TRITONSERVER_ResponseAllocatorNew)                                                                             \
  X(TRITONSERVER_ResponseAllocatorDelete)                                                                          \
  X(TRITONSERVER_InferenceRequestNew)                                                                              \
  X(TRITONSERVER_InferenceRequestDelete)                                                                           \
  X(TRITONSERVER_InferenceRequestAddInput)                                                                         \
  X(TRITONSERVER_InferenceRequestAppendInputData)                                                                  \
  X(TRITONSERVER_InferenceRequestAddRequestedOutput)                                                               \
  X(TRITONSERVER_InferenceRequestSetReleaseCallback)                                                               \
  X(TRITONSERVER_InferenceRequestSetResponseCallback)                                                              \
  X(TRITONSERVER_InferenceResponseDelete)                                                                          \
  X(TRITONSERVER_InferenceResponseError)                                                                           \
  X(TRITONSERVER_InferenceResponseOutputCount)                                                                     \
  X(TRITONSERVER_InferenceResponseOutput)

// The server library's functions, taken with dlsym (the library is local).
struct Triton {
#define HOST_SLOT(name) decltype(&::name) name = nullptr;
  HOST_FUNCTIONS(HOST_SLOT)
#undef HOST_SLOT
};
Triton triton;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "triton_capi_host: %s\n", message.c_str());
  std::exit(1);
}

// Ends the program when `err` is an error, naming the step.
void Check(TRITONSERVER_Error* err, const char* step) {
  if (err == nullptr) return;
  std::string message = triton.TRITONSERVER_ErrorMessage(err);
  triton.TRITONSERVER_ErrorDelete(err);
  Fail(std::string(step) + ": " + message);
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t end; (end = text.find(sep, start)) != std::string::npos; start = end + 1)
    parts.push_back(text.substr(start, end - start));
  parts.push_back(text.substr(start));
  return parts;
}

struct Input {
  std::string name;
  std::vector<float> values;
};

struct Arguments {
  std::string server_library, model_repository, backend_directory, model;
  std::vector<int64_t> shape;
  std::vector<Input> inputs;
  std::vector<std::string> outputs;
};

Arguments Parse(int argc, char** argv) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Fail("missing value after " + flag);
    std::string value = argv[++i];
    if (flag == "--server-library") {
      args.server_library = value;
    } else if (flag == "--model-repository") {
      args.model_repository = value;
    } else if (flag == "--backend-directory") {
      args.backend_directory = value;
    } else if (flag == "--model") {
      args.model = value;
    } else if (flag == "--shape") {
      for (const std::string& d : Split(value, ',')) args.shape.push_back(std::stoll(d));
    } else if (flag == "--input") {
      size_t eq = value.find('=');
      if (eq == std::string::npos) Fail("--input takes NAME=V0,V1,...");
      Input input{value.substr(0, eq), {}};
      for (const std::string& v : Split(value.substr(eq + 1), ',')) input.values.push_back(std::stof(v));
      args.inputs.push_back(std::move(input));
    } else if (flag == "--output") {
      args.outputs.push_back(value);
    } else {
      Fail("unknown argument " + flag);
    }
  }
  if (args.server_library.empty() || args.model_repository.empty() || args.backend_directory.empty() ||
      args.model.empty() || args.shape.empty() || args.inputs.empty() || args.outputs.empty())
    Fail("needs --server-library, --model-repository, --backend-directory, --model, --shape, --input, --output");
  return args;
}

void LoadServerLibrary(const std::string& path) {
  // RTLD_LOCAL, as Python's ctypes and perf_analyzer open it: the server's
  // symbols are not there for libraries loaded later (the backend) to bind to.
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) Fail(std::string("cannot open the server library: ") + dlerror());
  if (dlsym(RTLD_DEFAULT, "TRITONSERVER_ApiVersion") != nullptr)
    Fail("TRITONSERVER_ApiVersion is global in this process, so this host would not test a local server library");
#define HOST_RESOLVE(name)                                                         \
  triton.name = reinterpret_cast<decltype(triton.name)>(dlsym(library, #name)); \
  if (triton.name == nullptr) Fail("the server library has no " #name);
  HOST_FUNCTIONS(HOST_RESOLVE)
#undef HOST_RESOLVE
  // The library stays open: the server's threads and atexit handlers are in it.
}

// Output buffers: plain heap memory, freed when the response is deleted.
TRITONSERVER_Error* Allocate(TRITONSERVER_ResponseAllocator*, const char*, size_t byte_size, TRITONSERVER_MemoryType,
                             int64_t, void*, void** buffer, void** buffer_userp,
                             TRITONSERVER_MemoryType* actual_memory_type, int64_t* actual_memory_type_id) {
  *buffer = byte_size == 0 ? nullptr : std::malloc(byte_size);
  *buffer_userp = nullptr;
  *actual_memory_type = TRITONSERVER_MEMORY_CPU;
  *actual_memory_type_id = 0;
  return nullptr;
}

TRITONSERVER_Error* Release(TRITONSERVER_ResponseAllocator*, void* buffer, void*, size_t, TRITONSERVER_MemoryType,
                            int64_t) {
  std::free(buffer);
  return nullptr;
}

void RequestReleased(TRITONSERVER_InferenceRequest* request, const uint32_t flags, void* userp) {
  if ((flags & TRITONSERVER_REQUEST_RELEASE_ALL) != 0)
    static_cast<std::promise<TRITONSERVER_InferenceRequest*>*>(userp)->set_value(request);
}

void ResponseComplete(TRITONSERVER_InferenceResponse* response, const uint32_t flags, void* userp) {
  // One response per request for this model: it comes with the FINAL flag.
  if ((flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) != 0)
    static_cast<std::promise<TRITONSERVER_InferenceResponse*>*>(userp)->set_value(response);
}

template <typename T>
T WaitFor(std::future<T>& future, const char* what) {
  if (future.wait_for(std::chrono::seconds(120)) != std::future_status::ready)
    Fail(std::string("no ") + what + " within 120 s");
  return future.get();
}

void PrintOutputs(TRITONSERVER_InferenceResponse* response) {
  uint32_t count = 0;
  Check(triton.TRITONSERVER_InferenceResponseOutputCount(response, &count), "counting the outputs");
  for (uint32_t i = 0; i < count; ++i) {
    const char* name = nullptr;
    TRITONSERVER_DataType datatype;
    const int64_t* shape = nullptr;
    uint64_t dims = 0;
    const void* base = nullptr;
    size_t byte_size = 0;
    TRITONSERVER_MemoryType memory_type;
    int64_t memory_type_id = 0;
    void* userp = nullptr;
    Check(triton.TRITONSERVER_InferenceResponseOutput(response, i, &name, &datatype, &shape, &dims, &base, &byte_size,
                                                      &memory_type, &memory_type_id, &userp),
          "reading an output");
    if (datatype != TRITONSERVER_TYPE_FP32 || memory_type != TRITONSERVER_MEMORY_CPU)
      Fail(std::string("output ") + name + " is not FP32 in CPU memory");
    std::string line = name;
    line += ' ';
    for (uint64_t d = 0; d < dims; ++d) line += (d ? "," : "") + std::to_string(shape[d]);
    std::vector<float> values(byte_size / sizeof(float));
    if (byte_size > 0) std::memcpy(values.data(), base, values.size() * sizeof(float));
    for (float v : values) {
      char text[32];
      std::snprintf(text, sizeof(text), " %.9g", v);
      line += text;
    }
    std::printf("%s\n", line.c_str());
  }
}

void Infer(TRITONSERVER_Server* server, const Arguments& args) {
  TRITONSERVER_ResponseAllocator* allocator = nullptr;
  Check(triton.TRITONSERVER_ResponseAllocatorNew(&allocator, Allocate, Release, nullptr), "creating the allocator");
  TRITONSERVER_InferenceRequest* request = nullptr;
  Check(triton.TRITONSERVER_InferenceRequestNew(&request, server, args.model.c_str(), -1), "creating the request");
  for (const Input& input : args.inputs) {
    Check(triton.TRITONSERVER_InferenceRequestAddInput(request, input.name.c_str(), TRITONSERVER_TYPE_FP32,
                                                       args.shape.data(), args.shape.size()),
          "adding an input");
    Check(triton.TRITONSERVER_InferenceRequestAppendInputData(request, input.name.c_str(), input.values.data(),
                                                              input.values.size() * sizeof(float),
                                                              TRITONSERVER_MEMORY_CPU, 0),
          "adding input data");
  }
  for (const std::string& output : args.outputs)
    Check(triton.TRITONSERVER_InferenceRequestAddRequestedOutput(request, output.c_str()), "requesting an output");
  std::promise<TRITONSERVER_InferenceRequest*> released;
  std::promise<TRITONSERVER_InferenceResponse*> completed;
  std::future<TRITONSERVER_InferenceRequest*> released_future = released.get_future();
  std::future<TRITONSERVER_InferenceResponse*> completed_future = completed.get_future();
  Check(triton.TRITONSERVER_InferenceRequestSetReleaseCallback(request, RequestReleased, &released),
        "setting the release callback");
  Check(triton.TRITONSERVER_InferenceRequestSetResponseCallback(request, allocator, nullptr, ResponseComplete,
                                                                &completed),
        "setting the response callback");
  Check(triton.TRITONSERVER_ServerInferAsync(server, request, nullptr), "sending the request");

  TRITONSERVER_InferenceResponse* response = WaitFor(completed_future, "response");
  if (response == nullptr) Fail("the server completed the request without a response");
  // Owned by the response: read, not deleted.
  if (TRITONSERVER_Error* err = triton.TRITONSERVER_InferenceResponseError(response))
    Fail(std::string("the inference failed: ") + triton.TRITONSERVER_ErrorMessage(err));
  PrintOutputs(response);
  Check(triton.TRITONSERVER_InferenceResponseDelete(response), "deleting the response");
  Check(triton.TRITONSERVER_InferenceRequestDelete(WaitFor(released_future, "request release")),
        "deleting the request");
  Check(triton.TRITONSERVER_ResponseAllocatorDelete(allocator), "deleting the allocator");
}

bool ModelReady(TRITONSERVER_Server* server, const std::string& model) {
  bool ready = false;
  Check(triton.TRITONSERVER_ServerModelIsReady(server, model.c_str(), -1, &ready), "asking whether the model is ready");
  return ready;
}

// The model's state in the repository index ("READY", "UNLOADING",
// "UNAVAILABLE", ...), or "" when the index does not list it.
std::string ModelState(TRITONSERVER_Server* server, const std::string& model) {
  TRITONSERVER_Message* index = nullptr;
  Check(triton.TRITONSERVER_ServerModelIndex(server, 0, &index), "reading the model index");
  const char* json = nullptr;
  size_t size = 0;
  Check(triton.TRITONSERVER_MessageSerializeToJson(index, &json, &size), "serializing the model index");
  std::string text(json, size);
  Check(triton.TRITONSERVER_MessageDelete(index), "deleting the model index");
  // Flat objects: the model's entry runs from its name to the next '}'.
  size_t entry = text.find("\"name\":\"" + model + "\"");
  if (entry == std::string::npos) return "";
  std::string object = text.substr(entry, text.find('}', entry) - entry);
  const std::string key = "\"state\":\"";
  size_t state = object.find(key);
  if (state == std::string::npos) return "";
  state += key.size();
  return object.substr(state, object.find('"', state) - state);
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args = Parse(argc, argv);
  LoadServerLibrary(args.server_library);

  TRITONSERVER_ServerOptions* options = nullptr;
  Check(triton.TRITONSERVER_ServerOptionsNew(&options), "creating server options");
  Check(triton.TRITONSERVER_ServerOptionsSetModelRepositoryPath(options, args.model_repository.c_str()),
        "setting the model repository");
  Check(triton.TRITONSERVER_ServerOptionsSetBackendDirectory(options, args.backend_directory.c_str()),
        "setting the backend directory");
  Check(triton.TRITONSERVER_ServerOptionsSetModelControlMode(options, TRITONSERVER_MODEL_CONTROL_EXPLICIT),
        "setting explicit model control");
  Check(triton.TRITONSERVER_ServerOptionsSetExitTimeout(options, 5), "setting the exit timeout");
  Check(triton.TRITONSERVER_ServerOptionsSetLogVerbose(options, 0), "setting the log level");
  TRITONSERVER_Server* server = nullptr;
  Check(triton.TRITONSERVER_ServerNew(&server, options), "starting the server");
  Check(triton.TRITONSERVER_ServerOptionsDelete(options), "deleting the server options");
  bool live = false;
  Check(triton.TRITONSERVER_ServerIsLive(server, &live), "asking whether the server is live");
  if (!live) Fail("the server is not live");

  Check(triton.TRITONSERVER_ServerLoadModel(server, args.model.c_str()), "loading the model");
  if (!ModelReady(server, args.model) || ModelState(server, args.model) != "READY")
    Fail("the model loaded but is not ready");
  Infer(server, args);

  Check(triton.TRITONSERVER_ServerUnloadModel(server, args.model.c_str()), "unloading the model");
  // The unload call returns before the model is finalized; the model is
  // UNAVAILABLE once the server has deleted it (and with it, through the
  // backend's Finalize calls, its instances and state). Stopping the server
  // before that would race the server's own deleter thread.
  std::string state;
  for (int i = 0; i < 600 && (state = ModelState(server, args.model)) != "UNAVAILABLE"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (state != "UNAVAILABLE") Fail("the model is " + state + ", not UNAVAILABLE, 60 s after its unload");
  if (ModelReady(server, args.model)) Fail("the model is still ready after its unload");
  Check(triton.TRITONSERVER_ServerStop(server), "stopping the server");
  Check(triton.TRITONSERVER_ServerDelete(server), "deleting the server");
  std::printf("shut down\n");
  return 0;
}
