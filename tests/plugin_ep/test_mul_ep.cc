// A plugin execution provider for the tests only, written against ONNX
// Runtime's EP ABI (onnxruntime_ep_c_api.h): its factory offers one device,
// the machine's CPU; its EP, "OrtbTestMul", claims every float Mul node of a
// model, compiles each into a fused node of its own and computes it (an
// element-wise product; one side may be a single value).
//
// With ORTB_TEST_MUL_EP_NO_DEVICES=1 in the environment the factory offers no
// device, as a real plugin does on a machine without its hardware.
//
// It counts the Mul nodes it computes, process-wide; with the EP option
// count_file=PATH (given through execution_accelerators parameters, so it
// reaches the EP through SessionOptionsAppendExecutionProvider_V2) it writes
// the count to PATH after every call, which is how the integration tests
// read it from the server process.

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

// Includes onnxruntime_ep_c_api.h itself (which may not be included alone).
#include <onnxruntime_c_api.h>

#define ORTB_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

constexpr const char* kEpName = "OrtbTestMul";
constexpr const char* kVendor = "ortb-test";

const OrtApi* g_api = nullptr;
const OrtEpApi* g_ep_api = nullptr;
std::atomic<uint64_t> g_calls{0};

// Turns an OrtStatus* into an early return of it.
#define RETURN_IF_STATUS(expr)              \
  do {                                      \
    OrtStatus* status_ = (expr);            \
    if (status_ != nullptr) return status_; \
  } while (0)

OrtStatus* Fail(const std::string& message) { return g_api->CreateStatus(ORT_EP_FAIL, message.c_str()); }

// --- The compiled Mul ---------------------------------------------------------------------------

struct MulCompute : OrtNodeComputeInfo {
  std::string count_file;

  explicit MulCompute(std::string file) : count_file(std::move(file)) {
    ort_version_supported = ORT_API_VERSION;
    CreateState = CreateStateImpl;
    Compute = ComputeImpl;
    ReleaseState = ReleaseStateImpl;
  }

  static OrtStatus* ORT_API_CALL CreateStateImpl(OrtNodeComputeInfo* self, OrtNodeComputeContext*,
                                                 void** state) noexcept {
    *state = self;  // no per-node state beyond the compute info itself
    return nullptr;
  }

  static void ORT_API_CALL ReleaseStateImpl(OrtNodeComputeInfo*, void*) noexcept {}

  static OrtStatus* ElementCount(const OrtValue* value, std::vector<int64_t>* dims, size_t* count) {
    OrtTensorTypeAndShapeInfo* info = nullptr;
    RETURN_IF_STATUS(g_api->GetTensorTypeAndShape(value, &info));
    size_t rank = 0;
    OrtStatus* s = g_api->GetDimensionsCount(info, &rank);
    if (s == nullptr) {
      dims->resize(rank);
      s = g_api->GetDimensions(info, dims->data(), rank);
    }
    if (s == nullptr) s = g_api->GetTensorShapeElementCount(info, count);
    g_api->ReleaseTensorTypeAndShapeInfo(info);
    return s;
  }

  static OrtStatus* ORT_API_CALL ComputeImpl(OrtNodeComputeInfo* self, void*, OrtKernelContext* context) noexcept {
    const OrtValue* a = nullptr;
    const OrtValue* b = nullptr;
    RETURN_IF_STATUS(g_api->KernelContext_GetInput(context, 0, &a));
    RETURN_IF_STATUS(g_api->KernelContext_GetInput(context, 1, &b));
    std::vector<int64_t> a_dims, b_dims;
    size_t a_count = 0, b_count = 0;
    RETURN_IF_STATUS(ElementCount(a, &a_dims, &a_count));
    RETURN_IF_STATUS(ElementCount(b, &b_dims, &b_count));
    if (a_count != b_count && a_count != 1 && b_count != 1)
      return Fail("OrtbTestMul computes equal shapes or a single-value side only");
    const std::vector<int64_t>& out_dims = a_count >= b_count ? a_dims : b_dims;
    const size_t n = a_count >= b_count ? a_count : b_count;
    OrtValue* out = nullptr;
    RETURN_IF_STATUS(g_api->KernelContext_GetOutput(context, 0, out_dims.data(), out_dims.size(), &out));
    const void* a_raw = nullptr;
    const void* b_raw = nullptr;
    void* out_raw = nullptr;
    RETURN_IF_STATUS(g_api->GetTensorData(a, &a_raw));
    RETURN_IF_STATUS(g_api->GetTensorData(b, &b_raw));
    RETURN_IF_STATUS(g_api->GetTensorMutableData(out, &out_raw));
    const float* x = static_cast<const float*>(a_raw);
    const float* y = static_cast<const float*>(b_raw);
    float* z = static_cast<float*>(out_raw);
    for (size_t i = 0; i < n; ++i) z[i] = x[a_count == 1 ? 0 : i] * y[b_count == 1 ? 0 : i];
    const uint64_t calls = ++g_calls;
    auto* compute = static_cast<MulCompute*>(self);
    if (!compute->count_file.empty()) {
      FILE* f = std::fopen(compute->count_file.c_str(), "w");
      if (f == nullptr) return Fail("OrtbTestMul cannot write its count_file '" + compute->count_file + "'");
      std::fprintf(f, "%llu\n", static_cast<unsigned long long>(calls));
      std::fclose(f);
    }
    return nullptr;
  }
};

// --- The EP -------------------------------------------------------------------------------------

bool IsFloatTensor(const OrtValueInfo* value) {
  const OrtTypeInfo* type = nullptr;
  const OrtTensorTypeAndShapeInfo* tensor = nullptr;
  ONNXTensorElementDataType element = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  if (value == nullptr || g_api->GetValueInfoTypeInfo(value, &type) != nullptr) return false;
  if (g_api->CastTypeInfoToTensorInfo(type, &tensor) != nullptr || tensor == nullptr) return false;
  return g_api->GetTensorElementType(tensor, &element) == nullptr && element == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
}

struct MulEp : OrtEp {
  std::string count_file;

  explicit MulEp(std::string file) : OrtEp{}, count_file(std::move(file)) {
    ort_version_supported = ORT_API_VERSION;
    GetName = GetNameImpl;
    GetCapability = GetCapabilityImpl;
    Compile = CompileImpl;
    ReleaseNodeComputeInfos = ReleaseNodeComputeInfosImpl;
  }

  static const char* ORT_API_CALL GetNameImpl(const OrtEp*) noexcept { return kEpName; }

  static OrtStatus* ORT_API_CALL GetCapabilityImpl(OrtEp*, const OrtGraph* graph,
                                                   OrtEpGraphSupportInfo* support) noexcept {
    size_t count = 0;
    RETURN_IF_STATUS(g_api->Graph_GetNumNodes(graph, &count));
    std::vector<const OrtNode*> nodes(count);
    RETURN_IF_STATUS(g_api->Graph_GetNodes(graph, nodes.data(), nodes.size()));
    for (const OrtNode* node : nodes) {
      const char* op = nullptr;
      const char* domain = nullptr;
      RETURN_IF_STATUS(g_api->Node_GetOperatorType(node, &op));
      RETURN_IF_STATUS(g_api->Node_GetDomain(node, &domain));
      if (std::strcmp(op, "Mul") != 0 || (domain != nullptr && domain[0] != '\0')) continue;
      size_t num_inputs = 0;
      RETURN_IF_STATUS(g_api->Node_GetNumInputs(node, &num_inputs));
      if (num_inputs != 2) continue;
      const OrtValueInfo* inputs[2] = {nullptr, nullptr};
      RETURN_IF_STATUS(g_api->Node_GetInputs(node, inputs, 2));
      if (!IsFloatTensor(inputs[0]) || !IsFloatTensor(inputs[1])) continue;
      // One fused node per Mul: each is computed (and counted) on its own.
      RETURN_IF_STATUS(g_ep_api->EpGraphSupportInfo_AddNodesToFuse(support, &node, 1, nullptr));
    }
    return nullptr;
  }

  static OrtStatus* ORT_API_CALL CompileImpl(OrtEp* self, const OrtGraph**, const OrtNode**, size_t count,
                                             OrtNodeComputeInfo** infos, OrtNode**) noexcept {
    auto* ep = static_cast<MulEp*>(self);
    for (size_t i = 0; i < count; ++i) infos[i] = new MulCompute(ep->count_file);
    return nullptr;
  }

  static void ORT_API_CALL ReleaseNodeComputeInfosImpl(OrtEp*, OrtNodeComputeInfo** infos, size_t count) noexcept {
    for (size_t i = 0; i < count; ++i) delete static_cast<MulCompute*>(infos[i]);
  }
};

// ORT hands the EP its options as session config entries "ep.<name>.<key>";
// the name is lower-cased by the ORT versions this was tried with, and the
// spelling as given is checked too.
std::string EpOption(const OrtSessionOptions* options, const char* key) {
  for (const std::string prefix : {std::string("ep.ortbtestmul."), std::string("ep.") + kEpName + "."}) {
    const std::string full = prefix + key;
    int has = 0;
    if (g_api->HasSessionConfigEntry(options, full.c_str(), &has) != nullptr || has == 0) continue;
    size_t size = 0;
    OrtStatus* s = g_api->GetSessionConfigEntry(options, full.c_str(), nullptr, &size);
    if (s != nullptr) g_api->ReleaseStatus(s);  // a too-small buffer still reports the size
    std::string value(size, '\0');
    if (g_api->GetSessionConfigEntry(options, full.c_str(), value.data(), &size) != nullptr) continue;
    value.resize(size > 0 ? size - 1 : 0);  // size counts the terminating NUL
    return value;
  }
  return "";
}

// --- The factory --------------------------------------------------------------------------------

struct MulEpFactory : OrtEpFactory {
  MulEpFactory() : OrtEpFactory{} {
    ort_version_supported = ORT_API_VERSION;
    GetName = GetNameImpl;
    GetVendor = GetVendorImpl;
    GetSupportedDevices = GetSupportedDevicesImpl;
    CreateEp = CreateEpImpl;
    ReleaseEp = ReleaseEpImpl;
    GetVendorId = GetVendorIdImpl;
    GetVersion = GetVersionImpl;
    ValidateCompiledModelCompatibilityInfo = ValidateImpl;
    CreateAllocator = CreateAllocatorImpl;
    ReleaseAllocator = ReleaseAllocatorImpl;
    CreateDataTransfer = CreateDataTransferImpl;
    IsStreamAware = IsStreamAwareImpl;
    CreateSyncStreamForDevice = CreateSyncStreamForDeviceImpl;
  }

  static const char* ORT_API_CALL GetNameImpl(const OrtEpFactory*) noexcept { return kEpName; }
  static const char* ORT_API_CALL GetVendorImpl(const OrtEpFactory*) noexcept { return kVendor; }
  static uint32_t ORT_API_CALL GetVendorIdImpl(const OrtEpFactory*) noexcept { return 0; }
  static const char* ORT_API_CALL GetVersionImpl(const OrtEpFactory*) noexcept { return "0.1.0"; }

  // The first CPU device only: one EP device is what the tests expect.
  static OrtStatus* ORT_API_CALL GetSupportedDevicesImpl(OrtEpFactory* self, const OrtHardwareDevice* const* devices,
                                                         size_t num_devices, OrtEpDevice** ep_devices,
                                                         size_t max_ep_devices, size_t* num_ep_devices) noexcept {
    *num_ep_devices = 0;
    const char* none = std::getenv("ORTB_TEST_MUL_EP_NO_DEVICES");
    if (none != nullptr && std::strcmp(none, "1") == 0) return nullptr;
    for (size_t i = 0; i < num_devices && *num_ep_devices < max_ep_devices; ++i) {
      if (g_api->HardwareDevice_Type(devices[i]) != OrtHardwareDeviceType_CPU) continue;
      OrtKeyValuePairs* metadata = nullptr;
      g_api->CreateKeyValuePairs(&metadata);
      g_api->AddKeyValuePair(metadata, "ortb_test", "claims Mul");
      OrtEpDevice* device = nullptr;
      OrtStatus* s = g_ep_api->CreateEpDevice(self, devices[i], metadata, nullptr, &device);
      g_api->ReleaseKeyValuePairs(metadata);
      RETURN_IF_STATUS(s);
      ep_devices[(*num_ep_devices)++] = device;
      break;
    }
    return nullptr;
  }

  static OrtStatus* ORT_API_CALL CreateEpImpl(OrtEpFactory*, const OrtHardwareDevice* const*,
                                              const OrtKeyValuePairs* const*, size_t,
                                              const OrtSessionOptions* session_options, const OrtLogger*,
                                              OrtEp** ep) noexcept {
    *ep = new MulEp(EpOption(session_options, "count_file"));
    return nullptr;
  }

  static void ORT_API_CALL ReleaseEpImpl(OrtEpFactory*, OrtEp* ep) noexcept { delete static_cast<MulEp*>(ep); }

  static OrtStatus* ORT_API_CALL ValidateImpl(OrtEpFactory*, const OrtHardwareDevice* const*, size_t, const char*,
                                              OrtCompiledModelCompatibility* out) noexcept {
    *out = OrtCompiledModelCompatibility_EP_NOT_APPLICABLE;
    return nullptr;
  }

  // CPU memory: ORT's own allocator and copies serve.
  static OrtStatus* ORT_API_CALL CreateAllocatorImpl(OrtEpFactory*, const OrtMemoryInfo*, const OrtKeyValuePairs*,
                                                     OrtAllocator** allocator) noexcept {
    *allocator = nullptr;
    return nullptr;
  }
  static void ORT_API_CALL ReleaseAllocatorImpl(OrtEpFactory*, OrtAllocator*) noexcept {}
  static OrtStatus* ORT_API_CALL CreateDataTransferImpl(OrtEpFactory*, OrtDataTransferImpl** out) noexcept {
    *out = nullptr;
    return nullptr;
  }
  static bool ORT_API_CALL IsStreamAwareImpl(const OrtEpFactory*) noexcept { return false; }
  static OrtStatus* ORT_API_CALL CreateSyncStreamForDeviceImpl(OrtEpFactory*, const OrtMemoryDevice*,
                                                               const OrtKeyValuePairs*,
                                                               OrtSyncStreamImpl** stream) noexcept {
    *stream = nullptr;
    return nullptr;
  }
};

}  // namespace

ORTB_EXPORT OrtStatus* CreateEpFactories(const char* /*registration_name*/, const OrtApiBase* api_base,
                                         const OrtLogger* /*default_logger*/, OrtEpFactory** factories,
                                         size_t max_factories, size_t* num_factories) {
  *num_factories = 0;
  g_api = api_base->GetApi(ORT_API_VERSION);
  if (g_api == nullptr) return nullptr;  // no factory: ORT is older than these headers, and cannot even take a status
  g_ep_api = g_api->GetEpApi();
  if (max_factories < 1) return g_api->CreateStatus(ORT_INVALID_ARGUMENT, "OrtbTestMul needs room for one factory");
  factories[0] = new MulEpFactory();
  *num_factories = 1;
  return nullptr;
}

ORTB_EXPORT OrtStatus* ReleaseEpFactory(OrtEpFactory* factory) {
  delete static_cast<MulEpFactory*>(factory);
  return nullptr;
}
