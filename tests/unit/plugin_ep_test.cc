// Plugin EP libraries on real ONNX Runtime: registering the project's test
// EP library (tests/plugin_ep/), listing its device, choosing EP devices for
// instances, and the errors for a bad library, an unknown EP name and a
// selection policy with no matching device.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ort/environment.h"
#include "ort/ep_devices.h"
#include "ort/ep_library_registry.h"
#include "ort/execution_providers.h"

namespace ortbackend {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr const char* kMulEp = "OrtbTestMul";

// One environment for the whole test program: ORT allows one per process.
OrtEnvironment& Environment() {
  static std::unique_ptr<OrtEnvironment> env = [] {
    BackendSettings settings;
    settings.ep_libraries.push_back({"ortb_test_mul", ORTB_TEST_MUL_EP_PATH});
    auto created = OrtEnvironment::Create(settings);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.take();
  }();
  return *env;
}

const EpDeviceInfo* FindEp(const std::vector<EpDeviceInfo>& devices, const std::string& name) {
  for (const EpDeviceInfo& d : devices)
    if (d.ep_name == name) return &d;
  return nullptr;
}

TEST(EpLibraryRegistry, TheTestLibraryOffersOneCpuDevice) {
  auto devices = ListEpDevices(Environment().env());
  ASSERT_TRUE(devices.ok()) << devices.status().message();
  int count = 0;
  for (const EpDeviceInfo& d : devices.value()) count += d.ep_name == kMulEp;
  EXPECT_EQ(count, 1);
  const EpDeviceInfo* mul = FindEp(devices.value(), kMulEp);
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->device_type, "CPU");
  EXPECT_EQ(mul->ep_vendor, "ortb-test");
  EXPECT_THAT(mul->ep_metadata, Contains(Pair("ortb_test", "claims Mul")));
  // ORT's own CPU EP is listed too.
  EXPECT_NE(FindEp(devices.value(), "CPUExecutionProvider"), nullptr);
  EXPECT_THAT(DescribeEpDevice(*mul), HasSubstr("OrtbTestMul (vendor ortb-test) CPU device"));
}

TEST(EpLibraryRegistry, RegisteringTheSameLibraryAgainIsANoOpThatNamesItsEps) {
  std::vector<EpDeviceInfo> devices;
  Status s = Environment().ep_libraries().Register({"ortb_test_mul", ORTB_TEST_MUL_EP_PATH}, &devices);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].ep_name, kMulEp);
  EXPECT_EQ(EpNamesOf(devices), kMulEp);
  EXPECT_THAT(Environment().ep_libraries().LibrariesWithoutDevices(), IsEmpty());
}

TEST(EpLibraryRegistry, RejectsTheSameNameForAnotherPath) {
  Status s = Environment().ep_libraries().Register({"ortb_test_mul", ORTB_TEST_CUSTOM_OP_PATH});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("EP library name 'ortb_test_mul' is already registered"));
}

TEST(EpLibraryRegistry, ABadPathIsAnErrorNamingIt) {
  Status s = Environment().ep_libraries().Register({"missing", "/nonexistent/libnothing.so"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("EP library 'missing': cannot load '/nonexistent/libnothing.so'"));
}

TEST(EpLibraryRegistry, ALibraryWithoutTheFactoryIsAnError) {
  Status s = Environment().ep_libraries().Register({"not_an_ep", ORTB_TEST_CUSTOM_OP_PATH});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("does not export CreateEpFactories"));
  EXPECT_THAT(s.message(), HasSubstr(ORTB_TEST_CUSTOM_OP_PATH));
}

TEST(RequireOrtVersion, NamesTheFeatureAndTheVersionsWhenTheLibraryIsOlder) {
  EXPECT_TRUE(RequireOrtVersion("plugin EPs", 1, 22).ok());
  Status s = RequireOrtVersion("graph assignment info", 99, 0);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("graph assignment info needs ONNX Runtime 99.0 or newer"));
  EXPECT_THAT(s.message(), HasSubstr(OrtLibraryVersion()));
}

// --- Choosing EP devices (plain data) ------------------------------------------------------------

EpDeviceInfo Device(const std::string& ep, const std::string& type, KeyValueList options = {}) {
  EpDeviceInfo d;
  d.ep_name = ep;
  d.device_type = type;
  d.ep_options = std::move(options);
  return d;
}

TEST(ChooseEpDevices, AGpuInstanceGetsTheDeviceWhoseDeviceIdIsItsOwn) {
  const std::vector<EpDeviceInfo> devices = {Device("CPUExecutionProvider", "CPU"),
                                             Device("CudaPlugin", "GPU", {{"device_id", "0"}}),
                                             Device("CudaPlugin", "GPU", {{"device_id", "1"}})};
  std::vector<size_t> chosen;
  ASSERT_TRUE(ChooseEpDevices(devices, "CudaPlugin", true, 1, {}, &chosen).ok());
  EXPECT_THAT(chosen, ElementsAre(2u));
}

TEST(ChooseEpDevices, WithoutADeviceIdOptionTheNthGpuDeviceOfTheEpIsTaken) {
  const std::vector<EpDeviceInfo> devices = {Device("GpuEp", "GPU"), Device("Other", "GPU"), Device("GpuEp", "GPU")};
  std::vector<size_t> chosen;
  ASSERT_TRUE(ChooseEpDevices(devices, "GpuEp", true, 1, {}, &chosen).ok());
  EXPECT_THAT(chosen, ElementsAre(2u));
}

TEST(ChooseEpDevices, NeverAnotherGpu) {
  const std::vector<EpDeviceInfo> devices = {Device("CudaPlugin", "GPU", {{"device_id", "0"}})};
  std::vector<size_t> chosen;
  Status s = ChooseEpDevices(devices, "CudaPlugin", true, 1, {}, &chosen);
  EXPECT_THAT(s.message(), HasSubstr("'CudaPlugin' offers no device for GPU 1 (the instance's device)"));
  EXPECT_THAT(chosen, IsEmpty());
}

TEST(ChooseEpDevices, ACpuInstanceGetsTheEpsCpuAndNpuDevices) {
  const std::vector<EpDeviceInfo> devices = {Device("Mixed", "GPU"), Device("Mixed", "CPU"), Device("Mixed", "NPU")};
  std::vector<size_t> chosen;
  ASSERT_TRUE(ChooseEpDevices(devices, "Mixed", false, 0, {}, &chosen).ok());
  EXPECT_THAT(chosen, ElementsAre(1u, 2u));
}

TEST(ChooseEpDevices, AGpuOnlyEpOnACpuInstanceSaysWhereToListIt) {
  std::vector<size_t> chosen;
  Status s = ChooseEpDevices({Device("GpuEp", "GPU")}, "GpuEp", false, 0, {}, &chosen);
  EXPECT_THAT(s.message(), HasSubstr("offers only GPU devices; list it under gpu_execution_accelerator"));
}

TEST(ChooseEpDevices, AnUnknownNameListsWhatIsOfferedAndTheLibrariesWithoutDevices) {
  std::vector<size_t> chosen;
  Status s = ChooseEpDevices({Device("CPUExecutionProvider", "CPU")}, "OpenVINOExecutionProvider", false, 0,
                             {"openvino (/x/libopenvino_plugin.so)"}, &chosen);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown cpu_execution_accelerator 'OpenVINOExecutionProvider'"));
  EXPECT_THAT(s.message(), HasSubstr("CPUExecutionProvider (CPU)"));
  EXPECT_THAT(s.message(), HasSubstr("offer no device on this machine: openvino (/x/libopenvino_plugin.so)"));
}

// --- Applying them to session options ------------------------------------------------------------

TEST(AppendExecutionProviders, ACpuInstanceAppendsAPluginEpByName) {
  ExecutionProviderSettings eps;
  eps.cpu_plugin_eps.push_back({kMulEp, {{"count_file", "/dev/null"}}});
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, false, 0, &so, nullptr, &Environment());
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(AppendExecutionProviders, AnUnknownPluginEpNameIsAnError) {
  ExecutionProviderSettings eps;
  eps.cpu_plugin_eps.push_back({"NoSuchExecutionProvider", {}});
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, false, 0, &so, nullptr, &Environment());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown cpu_execution_accelerator 'NoSuchExecutionProvider'"));
  EXPECT_THAT(s.message(), HasSubstr("OrtbTestMul (CPU)"));
}

#ifdef TRITON_ENABLE_GPU
// The test EP offers a CPU device only: a GPU instance never falls back to it.
TEST(AppendExecutionProvidersGpuBuild, APluginEpWithoutADeviceForTheInstancesGpuIsRefused) {
  ExecutionProviderSettings eps;
  eps.gpu_plugin_eps.push_back({kMulEp, {}});
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, true, 0, &so, nullptr, &Environment());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("gpu_execution_accelerator 'OrtbTestMul' offers no device for GPU 0"));
}
#else
TEST(AppendExecutionProvidersCpuBuild, APluginEpOnAGpuInstanceSaysToRebuildWithGpuSupport) {
  ExecutionProviderSettings eps;
  eps.gpu_plugin_eps.push_back({kMulEp, {}});
  Ort::SessionOptions so;
  Status s = AppendExecutionProviders(eps, true, 0, &so, nullptr, &Environment());
  EXPECT_THAT(s.message(), HasSubstr("rebuild with -DTRITON_ENABLE_GPU=ON"));
}
#endif

TEST(AppendExecutionProviders, PluginEpsNeedTheEnvironment) {
  ExecutionProviderSettings eps;
  eps.cpu_plugin_eps.push_back({kMulEp, {}});
  Ort::SessionOptions so;
  EXPECT_FALSE(AppendExecutionProviders(eps, false, 0, &so).ok());
}

TEST(CheckPluginEpNames, AcceptsOfferedEpsAndRejectsAMisspeltGpuEntryEvenForCpuInstances) {
  ExecutionProviderSettings eps;
  eps.cpu_plugin_eps.push_back({kMulEp, {}});
  EXPECT_TRUE(CheckPluginEpNames(Environment().env(), Environment().ep_libraries(), eps).ok());
  eps.gpu_plugin_eps.push_back({"magic", {}});
  Status s = CheckPluginEpNames(Environment().env(), Environment().ep_libraries(), eps);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown gpu_execution_accelerator 'magic': it is not a built-in accelerator "
                                     "('tensorrt', 'cuda')"));
}

TEST(ApplyEpSelectionPolicy, PreferCpuIsAccepted) {
  Ort::SessionOptions so;
  Status s = ApplyEpSelectionPolicy(Environment().env(), EpSelectionPolicy::kPreferCpu, &so);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ApplyEpSelectionPolicy, PreferGpuNeedsAGpuDeviceAndOtherwiseNamesThePolicy) {
  auto devices = ListEpDevices(Environment().env());
  ASSERT_TRUE(devices.ok());
  bool gpu = false;
  for (const EpDeviceInfo& d : devices.value()) gpu = gpu || d.device_type == "GPU";
  Ort::SessionOptions so;
  Status s = ApplyEpSelectionPolicy(Environment().env(), EpSelectionPolicy::kPreferGpu, &so);
  if (gpu) {  // an ORT library with a GPU EP on a GPU machine
    EXPECT_TRUE(s.ok()) << s.message();
    return;
  }
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'ep_selection_policy' is PREFER_GPU, but no execution provider offers a GPU "
                                     "device on this machine"));
}

TEST(ApplyEpSelectionPolicy, PreferNpuWithoutAnNpuDeviceIsAnError) {
  Ort::SessionOptions so;
  Status s = ApplyEpSelectionPolicy(Environment().env(), EpSelectionPolicy::kPreferNpu, &so);
  EXPECT_THAT(s.message(), HasSubstr("PREFER_NPU, but no execution provider offers a NPU device"));
}

}  // namespace
}  // namespace ortbackend
