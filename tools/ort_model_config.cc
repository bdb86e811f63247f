// ort-model-config: prints the config.pbtxt the ONNX Runtime backend
// auto-completes for a model that has none, followed by ONNX-level facts.
//
// It runs the backend's own load (LoadModel, which ModelState::Load calls
// too) with a throwaway inspection session as the reader, so the config and
// every error message are the backend's.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/backend_settings.h"
#include "config/execution_providers.h"
#include "config/json_read.h"
#include "config/model_config.h"
#include "config/model_settings.h"
#include "load/decrypted_model.h"
#include "load/file_decryptor.h"
#include "load/model_byte_source.h"
#include "load/model_load.h"
#include "model_facts.h"
#include "onnx_file_summary.h"
#include "ort/environment.h"
#include "ort/ep_devices.h"
#include "ort/execution_providers.h"
#include "ort/model_inspector.h"
#include "ort/node_placement.h"
#include "ort/placement_capture.h"
#include "ort/session_factory.h"
#include "pbtxt_reader.h"
#include "pbtxt_writer.h"

namespace ortbackend {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(Usage: ort-model-config [options] MODEL

Prints the config.pbtxt that the Triton ONNX Runtime backend auto-completes
for MODEL when it is served without a config.pbtxt (or, with --config, with
that partial configuration), then what the ONNX file
declares (IR version, opsets, producer, dynamic and symbolic dims, initializer
sizes) as # comments.

MODEL is one of:
  FILE.onnx            a model file, e.g. models/add_sub/1/model.onnx
  DIR                  a directory holding model.onnx (and its external data)
  MODEL_DIR            a repository model directory with numbered versions;
                       the highest version's model.onnx is read

Options:
  --name NAME              the model name (default: MODEL_DIR's name for
                           MODEL_DIR/VERSION/model.onnx, else the file stem)
  --max-batch-size N       what the backend's default-max-batch-size would be
                           (default 4; 0: never batch)
  --instance-kind cpu|gpu  add instance_group [ { kind: KIND_CPU|KIND_GPU count: 1 } ]
  --config FILE            start from this config.pbtxt (or its JSON form), as the
                           server does for a model that has one: print it
                           completed and checked (ragged batching, sequence
                           batching and the like need one; the name defaults
                           to the config's)
  --json                   print {"config": {...}, "onnx": {...}} as JSON instead
  --providers              instead of the config, print which execution
                           provider each node runs on, by creating the session
                           the backend would create (same code), and what the
                           (completed) config's execution_provider_fallback
                           makes of it; with --config, that config's
                           accelerators and parameters are used
  --ep-library NAME:PATH   register this plugin EP library with ONNX Runtime
                           first, as the backend config's ep-library does
                           (repeatable; several NAME:PATH separated by ';'
                           also work)
  --list-ep-devices        instead of a config, list the EP devices ONNX
                           Runtime offers (its own EPs and those of the
                           --ep-library libraries): EP name, vendor, device
                           type, device vendor and ids, metadata and default
                           options; the EP name is what execution_accelerators
                           names. MODEL is not needed.
  --decryptor LIB          MODEL is encrypted: read it through the decryptor
                           library LIB (as the server's operator registers it
                           with --backend-config=onnxruntime,decryptor=NAME:LIB),
                           in memory only
  --decryptor-option K=V   an option for that decryptor (repeatable), e.g.
                           key-file=/run/secrets/model.key
  -h, --help               print this help

Exit status: 0 when the model can be served, 1 when it cannot (stderr has the
backend's load error; with --providers also when execution_provider_fallback
'fail' would refuse the placement), 2 for a usage error.
)";

struct ToolOptions {
  std::string model;
  std::string name;
  std::string max_batch_size = "4";
  std::string instance_kind;  // "", "KIND_CPU" or "KIND_GPU"
  std::string config;         // a config.pbtxt to start from
  std::string decryptor;      // a decryptor library: MODEL is encrypted
  std::vector<std::string> decryptor_options;
  bool json = false;
  bool providers = false;
  bool list_ep_devices = false;
  std::vector<EpLibrarySpec> ep_libraries;
  bool help = false;
};

// Parses the command line; `error` gets a usage error.
bool ParseArgs(const std::vector<std::string>& args, ToolOptions* out, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_value = true;
    }
    auto take_value = [&](std::string* dest) {
      if (!has_value) {
        if (i + 1 >= args.size()) return false;
        value = args[++i];
      }
      *dest = value;
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      out->help = true;
    } else if (arg == "--json") {
      out->json = true;
    } else if (arg == "--providers") {
      out->providers = true;
    } else if (arg == "--list-ep-devices") {
      out->list_ep_devices = true;
    } else if (arg == "--ep-library") {
      std::string v;
      if (!take_value(&v)) {
        *error = arg + " needs a value";
        return false;
      }
      Status s = ParseEpLibraryList("--ep-library", v, &out->ep_libraries);
      if (!s.ok()) {
        *error = s.message();
        return false;
      }
    } else if (arg == "--name" || arg == "--max-batch-size" || arg == "--instance-kind" || arg == "--config" ||
               arg == "--decryptor" || arg == "--decryptor-option") {
      std::string v;
      if (!take_value(&v)) {
        *error = arg + " needs a value";
        return false;
      }
      if (arg == "--decryptor") {
        out->decryptor = v;
      } else if (arg == "--decryptor-option") {
        if (v.find('=') == std::string::npos || v.find('\n') != std::string::npos) {
          *error = "--decryptor-option takes KEY=VALUE, not '" + v + "'";
          return false;
        }
        out->decryptor_options.push_back(v);
      } else if (arg == "--name") {
        out->name = v;
      } else if (arg == "--config") {
        out->config = v;
      } else if (arg == "--max-batch-size") {
        out->max_batch_size = v;
      } else if (v == "cpu" || v == "gpu") {
        out->instance_kind = v == "cpu" ? "KIND_CPU" : "KIND_GPU";
      } else {
        *error = "--instance-kind must be cpu or gpu, not '" + v + "'";
        return false;
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      *error = "unknown option '" + arg + "'";
      return false;
    } else if (out->model.empty()) {
      out->model = arg;
    } else {
      *error = "more than one MODEL given ('" + out->model + "' and '" + arg + "')";
      return false;
    }
  }
  if (!out->help && !out->list_ep_devices && out->model.empty()) {
    *error = "no MODEL given";
    return false;
  }
  return true;
}

Status ReadTextFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open the config file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return Status::Ok();
}

bool IsVersionName(const std::string& s) {
  uint64_t v;
  return ParseUint64(s, &v);
}

// The highest numbered version directory of a repository model directory;
// false when it has none.
bool HighestVersion(const fs::path& dir, uint64_t* version) {
  bool found = false;
  *version = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    uint64_t v;
    if (!entry.is_directory(ec) || !ParseUint64(entry.path().filename().string(), &v)) continue;
    if (v >= *version) *version = v;
    found = true;
  }
  return found;
}

// Where MODEL is, as LoadModel's input, and the model name it implies.
void LocateModel(std::string arg, ModelLoadInput* input, std::string* default_name) {
  while (arg.size() > 1 && arg.back() == '/') arg.pop_back();
  const fs::path absolute = fs::absolute(arg).lexically_normal();
  auto name_of = [](const fs::path& p) { return p.filename().string(); };
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    uint64_t version = 0;
    if (!fs::exists(fs::path(arg) / "model.onnx", ec) && HighestVersion(arg, &version)) {
      *default_name = name_of(absolute);
      input->repository = arg;  // the server's case: the config's default_model_filename applies
      input->version = version;
      return;
    }
    const bool is_version_dir = IsVersionName(name_of(absolute));
    *default_name = name_of(is_version_dir ? absolute.parent_path() : absolute);
    input->path = arg;
    return;
  }
  const fs::path parent = absolute.parent_path();
  *default_name = IsVersionName(name_of(parent)) ? name_of(parent.parent_path()) : absolute.stem().string();
  input->path = arg;
}

// --providers: the session the backend would create for one instance of
// `kind` (ModelState::CreateSession: BuildSessionOptions,
// AppendExecutionProviders, CreateSessionWithPlacement), its placement, and
// the fallback verdict. One thread each: placement does not depend on it.
Status PlaceNodes(OrtEnvironment& environment, const ModelLoad& load, const ModelSource& model, bool gpu,
                  NodePlacement* placement, FallbackVerdict* verdict, ProviderFallback* policy) {
  const ModelSettings& settings = load.settings;
  const ExecutionProviderSettings& providers = load.providers;
  SessionPlan plan;
  plan.intra_op_threads = 1;
  plan.inter_op_threads = 1;
  Ort::SessionOptions options{nullptr};
  ORTB_RETURN_IF_ERROR(BuildSessionOptions(settings, plan, &options));
  ORTB_RETURN_IF_ERROR(AppendExecutionProviders(providers, gpu, 0, &options, nullptr, &environment));
  std::unique_ptr<Ort::Session> session;
  ORTB_RETURN_IF_ERROR(CreateSessionWithPlacement(environment.env(), model, &options, &session, placement));
  *policy = settings.provider_fallback;
  *verdict = JudgeFallback(*placement, AcceleratorFor(providers, gpu), settings.provider_fallback);
  return Status::Ok();
}

const char* PolicyName(ProviderFallback p) {
  return p == ProviderFallback::kFail ? "fail" : p == ProviderFallback::kWarn ? "warn" : "allow";
}

int PrintProviders(const NodePlacement& placement, const FallbackVerdict& verdict, ProviderFallback policy, bool gpu,
                   bool json) {
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const ProviderNodes& p : placement.providers)
      list.push_back({{"provider", p.provider}, {"nodes", p.count}, {"listed", p.nodes}});
    std::cout << nlohmann::json({{"instance_kind", gpu ? "KIND_GPU" : "KIND_CPU"},
                                 {"reported", placement.reported},
                                 {"providers", list},
                                 {"execution_provider_fallback", PolicyName(policy)},
                                 {"fell_back", verdict.fell_back},
                                 {"refused", verdict.fail},
                                 {"message", verdict.message}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << "# Where ONNX Runtime places the nodes of a " << (gpu ? "KIND_GPU" : "KIND_CPU")
              << " instance's session, by ort-model-config.\n";
    if (!placement.reported) std::cout << "# ONNX Runtime reported no placement.\n";
    for (const ProviderNodes& p : placement.providers) {
      std::cout << p.provider << ": " << p.count << " node(s)\n";
      for (const std::string& n : p.nodes) std::cout << "  " << n << "\n";
    }
    if (!verdict.message.empty())
      std::cout << "# " << verdict.message << " (execution_provider_fallback: " << PolicyName(policy)
                << (verdict.fail ? "; the backend refuses this model" : "") << ")\n";
  }
  std::cout.flush();
  if (!std::cout) return 1;
  return verdict.fail ? 1 : 0;
}

nlohmann::json PairsToJson(const KeyValueList& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : pairs) out[k] = v;
  return out;
}

// --list-ep-devices: what ORT offers, one device per entry.
int PrintEpDevices(Ort::Env& env, bool json) {
  auto devices = ListEpDevices(env);
  if (!devices.ok()) {
    std::cerr << "ort-model-config: " << devices.status().message() << "\n";
    return 1;
  }
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const EpDeviceInfo& d : devices.value())
      list.push_back({{"ep_name", d.ep_name},
                      {"ep_vendor", d.ep_vendor},
                      {"device_type", d.device_type},
                      {"device_vendor", d.device_vendor},
                      {"vendor_id", d.vendor_id},
                      {"device_id", d.device_id},
                      {"ep_metadata", PairsToJson(d.ep_metadata)},
                      {"ep_options", PairsToJson(d.ep_options)},
                      {"device_metadata", PairsToJson(d.device_metadata)}});
    std::cout << nlohmann::json({{"onnxruntime_version", OrtLibraryVersion()}, {"ep_devices", list}}).dump(2) << "\n";
  } else {
    std::cout << "# The EP devices ONNX Runtime " << OrtLibraryVersion()
              << " offers, by ort-model-config; the first word is the name execution_accelerators uses.\n";
    for (const EpDeviceInfo& d : devices.value()) std::cout << DescribeEpDevice(d) << "\n";
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

int Fail(const Status& s, const std::string& name) {
  const Status shown = name.empty() ? s : s.WithContext("model '" + name + "'");
  std::cerr << "ort-model-config: " << shown.message() << "\n";
  return 1;
}

int UsageError(const std::string& message) {
  std::cerr << "ort-model-config: " << message << "\nTry 'ort-model-config --help'.\n";
  return 2;
}

int Run(const std::vector<std::string>& args) {
  ToolOptions options;
  std::string error;
  if (!ParseArgs(args, &options, &error)) return UsageError(error);
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  // --max-batch-size is the backend's default-max-batch-size: the same parser
  // checks it.
  BackendSettings settings;
  Status s = ParseBackendSettings({{"cmdline", {{"default-max-batch-size", options.max_batch_size}}}}, &settings);
  if (!s.ok()) return UsageError("--max-batch-size: " + s.message());
  BackendSettings environment_settings;
  environment_settings.ep_libraries = options.ep_libraries;
  if (options.list_ep_devices) {
    auto environment = OrtEnvironment::Create(environment_settings);
    if (!environment.ok()) return Fail(environment.status(), "");
    return PrintEpDevices(environment.value()->env(), options.json);
  }

  nlohmann::json config = nlohmann::json::object();
  if (!options.config.empty()) {
    std::string text;
    s = ReadTextFile(options.config, &text);
    // The JSON form the server hands the backend is accepted too.
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (s.ok() && first != std::string::npos && text[first] == '{') {
      config = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (!config.is_object()) s = Status::InvalidArgument("'" + options.config + "' is not valid JSON");
    } else if (s.ok()) {
      s = PbtxtToJson(text, options.config, &config);
    }
    if (!s.ok()) return Fail(s, "");
  }
  // The configuration the load starts from: the --config file's, or an empty
  // one; either way named like the model and, unless it names one, for this
  // backend.
  ModelLoadInput input;
  std::string name;
  LocateModel(options.model, &input, &name);
  if (!options.name.empty()) {
    name = options.name;
  } else if (!StringMember(config, "name").empty()) {
    name = StringMember(config, "name");
  }
  config["name"] = name;
  if (!config.contains("backend") && !config.contains("platform")) config["backend"] = "onnxruntime";
  input.config = std::move(config);
  input.model_name = name;
  input.default_max_batch_size = settings.default_max_batch_size;

  auto environment = OrtEnvironment::Create(environment_settings);
  if (!environment.ok()) return Fail(environment.status(), name);
  // An encrypted model is decrypted once, in memory, as the backend does; the
  // plaintext stays for the file summary and --providers, and is wiped at exit.
  std::unique_ptr<FileDecryptor> decryptor;
  if (!options.decryptor.empty()) {
    s = FileDecryptor::Open("--decryptor", options.decryptor, options.decryptor_options, &decryptor);
    if (!s.ok()) return Fail(s, name);
  }
  std::unique_ptr<DecryptedModel> plaintext;
  ModelSource model("");
  ModelMetadataInfo metadata;
  ModelLoad load;
  s = LoadModel(
      input,
      [&](const ModelLoad& so_far, ModelIoInfo* io) {
        // The model's own ep_library parameter, as the backend registers it.
        for (const EpLibrarySpec& lib : so_far.settings.ep_libraries)
          ORTB_RETURN_IF_ERROR(environment.value()->ep_libraries().Register(lib));
        ORTB_RETURN_IF_ERROR(
            CheckPluginEpNames(environment.value()->env(), environment.value()->ep_libraries(), so_far.providers));
        model = ModelSource(so_far.file.path);
        if (!decryptor) {
          // The backend's check of a plain model (an encrypted file is named as such).
          ModelByteSource plain;
          ORTB_RETURN_IF_ERROR(
              ModelByteSource::Choose(nullptr, name, so_far.file, so_far.settings, so_far.providers, &plain));
        } else {
          ORTB_RETURN_IF_ERROR(DecryptedModel::Read(*decryptor, name, so_far.file, &plaintext));
          model.decrypted = plaintext.get();
        }
        return InspectModelFile(environment.value()->env(), model, io, &metadata, so_far.settings.custom_op_libraries);
      },
      &load);
  if (!s.ok()) return Fail(s, name);
  nlohmann::json& completed = load.config_json;
  if (!options.instance_kind.empty())
    completed["instance_group"] = nlohmann::json::array({{{"kind", options.instance_kind}, {"count", 1}}});
  if (options.providers) {
    NodePlacement placement;
    FallbackVerdict verdict;
    ProviderFallback policy = ProviderFallback::kAllow;
    // The instance kind the (completed) config asks for; --instance-kind set it above.
    const auto& groups = completed.contains("instance_group") ? completed["instance_group"] : nlohmann::json();
    const bool gpu =
        groups.is_array() && !groups.empty() && groups[0].is_object() && groups[0].value("kind", "") == "KIND_GPU";
    s = PlaceNodes(*environment.value(), load, model, gpu, &placement, &verdict, &policy);
    if (!s.ok()) return Fail(s, name);
    return PrintProviders(placement, verdict, policy, gpu, options.json);
  }

  OnnxFileSummary summary;
  const Status read =
      plaintext ? ReadOnnxFileSummary(load.file.path, plaintext->model().data(), plaintext->model().size(), &summary)
                : ReadOnnxFileSummary(load.file.path, &summary);
  int64_t max_batch_size = 0;
  if (auto it = completed.find("max_batch_size"); it != completed.end()) {
    // LoadModel validated the config, so this read cannot fail.
    if (!ReadInt64(*it, "max_batch_size", &max_batch_size).ok()) max_batch_size = 0;
  }
  const nlohmann::json facts = ModelFactsToJson(load.file.path, load.io, metadata, read.ok() ? &summary : nullptr,
                                                read.message(), max_batch_size);

  if (options.json) {
    std::cout << nlohmann::json({{"config", completed}, {"onnx", facts}}).dump(2) << "\n";
  } else {
    std::cout << "# The configuration the ONNX Runtime backend auto-completes for this model"
              << (options.config.empty() ? std::string() : " from " + options.config) << "\n"
              << "# (default-max-batch-size=" << settings.default_max_batch_size << "), by ort-model-config.\n"
              << ConfigToPbtxt(completed) << "\n"
              << ModelFactsToComments(facts);
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace
}  // namespace ortbackend

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ortbackend::Run(args);
}
