#include "triton/metrics.h"

#include "triton/error.h"
#include "triton/log.h"

namespace ortbackend {
namespace {

// A metric that could not be made leaves the rest working; say which.
Metric MetricOrEmpty(const MetricFamily* family, const MetricLabels& labels) {
  if (family == nullptr) return Metric();
  StatusOr<Metric> m = family->NewMetric(labels);
  if (m.ok()) return m.take();
  ORTB_LOG_WARN("onnxruntime backend: no metric '" + family->name() + "' for model '" + labels.front().second +
                "': " + m.status().message());
  return Metric();
}

MetricLabels With(MetricLabels labels, std::string key, std::string value) {
  labels.emplace_back(std::move(key), std::move(value));
  return labels;
}

void LogIfError(TRITONSERVER_Error* err, const char* what) {
  Status s = FromTritonError(err, what);
  if (!s.ok()) ORTB_LOG_WARN("onnxruntime backend: " + s.message());
}

}  // namespace

Metric& Metric::operator=(Metric&& other) noexcept {
  if (this != &other) {
    Reset();
    metric_ = std::exchange(other.metric_, nullptr);
  }
  return *this;
}

Metric::~Metric() { Reset(); }

void Metric::Reset() {
  if (metric_ != nullptr) LogIfError(TRITONSERVER_MetricDelete(metric_), "deleting a metric");
  metric_ = nullptr;
}

void Metric::Increment(double value) {
  if (metric_ != nullptr && value != 0) LogIfError(TRITONSERVER_MetricIncrement(metric_, value), "updating a metric");
}

void Metric::Set(double value) {
  if (metric_ != nullptr) LogIfError(TRITONSERVER_MetricSet(metric_, value), "setting a metric");
}

StatusOr<std::unique_ptr<MetricFamily>> MetricFamily::Create(TRITONSERVER_MetricKind kind, const std::string& name,
                                                             const std::string& description) {
  TRITONSERVER_MetricFamily* family = nullptr;
  ORTB_RETURN_IF_ERROR(FromTritonError(TRITONSERVER_MetricFamilyNew(&family, kind, name.c_str(), description.c_str()),
                                       ("creating metric family '" + name + "'").c_str()));
  return std::unique_ptr<MetricFamily>(new MetricFamily(family, name));
}

MetricFamily::~MetricFamily() {
  LogIfError(TRITONSERVER_MetricFamilyDelete(family_), ("deleting metric family '" + name_ + "'").c_str());
}

StatusOr<Metric> MetricFamily::NewMetric(const MetricLabels& labels) const {
  // The server copies the label values, so the parameters go right after.
  std::vector<const TRITONSERVER_Parameter*> params;
  params.reserve(labels.size());
  for (const auto& [key, value] : labels)
    params.push_back(TRITONSERVER_ParameterNew(key.c_str(), TRITONSERVER_PARAMETER_STRING, value.c_str()));
  TRITONSERVER_Metric* metric = nullptr;
  TRITONSERVER_Error* err = TRITONSERVER_MetricNew(&metric, family_, params.data(), params.size());
  for (const TRITONSERVER_Parameter* p : params) TRITONSERVER_ParameterDelete(const_cast<TRITONSERVER_Parameter*>(p));
  ORTB_RETURN_IF_ERROR(FromTritonError(err, ("creating a metric of family '" + name_ + "'").c_str()));
  return Metric(metric);
}

std::unique_ptr<BackendMetrics> BackendMetrics::Create() {
  auto metrics = std::make_unique<BackendMetrics>();
  struct Spec {
    std::unique_ptr<MetricFamily>* slot;
    TRITONSERVER_MetricKind kind;
    const char* suffix;
    const char* help;
  };
  const TRITONSERVER_MetricKind kCounter = TRITONSERVER_METRIC_KIND_COUNTER, kGauge = TRITONSERVER_METRIC_KIND_GAUGE;
  const Spec specs[] = {
      {&metrics->session_build_us, kGauge, "session_build_us",
       "Microseconds spent creating the model's ONNX Runtime sessions when it was loaded (all its sessions together)"},
      {&metrics->sessions, kGauge, "sessions", "ONNX Runtime sessions the model holds"},
      {&metrics->weights_bytes, kGauge, "weights_bytes",
       "Bytes of the model's ONNX file and external data, held by each of its sessions"},
      {&metrics->provider_nodes, kGauge, "provider_nodes",
       "Nodes of the partitioned graph that each execution provider runs, in the model's last created session"},
      {&metrics->input_bytes_copied, kCounter, "input_bytes_copied_total",
       "Input bytes the instance copied into ONNX Runtime input buffers (batches gathered from several requests or "
       "buffers)"},
      {&metrics->output_bytes_copied, kCounter, "output_bytes_copied_total",
       "Output bytes the instance copied out of ONNX Runtime outputs into responses"},
      {&metrics->requests, kCounter, "requests_total",
       "Requests served by successful ONNX Runtime runs, by input path (zero_copy or gathered)"},
      {&metrics->executions, kCounter, "executions_total",
       "Successful ONNX Runtime runs, by input path (zero_copy or gathered)"},
  };
  for (const Spec& spec : specs) {
    auto family = MetricFamily::Create(spec.kind, std::string(kMetricPrefix) + spec.suffix, spec.help);
    if (!family.ok()) {
      // Typically the server runs with --allow-metrics=false or was built
      // without metrics. Serving goes on; only the metrics are missing.
      ORTB_LOG_INFO("onnxruntime backend: metrics are off (" + family.status().message() + ")");
      return nullptr;  // the families made so far go with `metrics`
    }
    *spec.slot = family.take();
  }
  return metrics;
}

ModelMetrics::ModelMetrics(const BackendMetrics* families, const std::string& model, uint64_t version)
    : families_(families), labels_{{"model", model}, {"version", std::to_string(version)}} {
  if (families_ == nullptr) return;
  session_build_us_ = MetricOrEmpty(families_->session_build_us.get(), labels_);
  sessions_ = MetricOrEmpty(families_->sessions.get(), labels_);
  weights_bytes_ = MetricOrEmpty(families_->weights_bytes.get(), labels_);
}

void ModelMetrics::AddSession(uint64_t build_us) {
  // Set, not incremented: a reloaded model gets the same series as the
  // version it replaces (the server shares metrics with equal labels), and
  // these gauges describe this load only.
  std::lock_guard<std::mutex> lock(mutex_);
  build_us_total_ += build_us;
  ++session_count_;
  session_build_us_.Set(static_cast<double>(build_us_total_));
  sessions_.Set(static_cast<double>(session_count_));
}

void ModelMetrics::SetWeightsBytes(uint64_t bytes) { weights_bytes_.Set(static_cast<double>(bytes)); }

void ModelMetrics::SetProviderNodes(const std::string& provider, uint64_t nodes) {
  if (families_ == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = provider_nodes_.find(provider);
  if (it == provider_nodes_.end())
    it = provider_nodes_
             .emplace(provider, MetricOrEmpty(families_->provider_nodes.get(), With(labels_, "provider", provider)))
             .first;
  it->second.Set(static_cast<double>(nodes));
}

InstanceMetrics::InstanceMetrics(const BackendMetrics* families, const std::string& model, uint64_t version,
                                 const std::string& instance, int gpu_device) {
  if (families == nullptr) return;
  MetricLabels labels{{"model", model}, {"version", std::to_string(version)}, {"instance", instance}};
  if (gpu_device >= 0) labels.emplace_back("device", std::to_string(gpu_device));
  input_bytes_ = MetricOrEmpty(families->input_bytes_copied.get(), labels);
  output_bytes_ = MetricOrEmpty(families->output_bytes_copied.get(), labels);
  zero_copy_requests_ = MetricOrEmpty(families->requests.get(), With(labels, "path", "zero_copy"));
  gathered_requests_ = MetricOrEmpty(families->requests.get(), With(labels, "path", "gathered"));
  zero_copy_runs_ = MetricOrEmpty(families->executions.get(), With(labels, "path", "zero_copy"));
  gathered_runs_ = MetricOrEmpty(families->executions.get(), With(labels, "path", "gathered"));
}

void InstanceMetrics::Record(const ExecutionTally& t) {
  input_bytes_.Increment(static_cast<double>(t.input_bytes_copied));
  output_bytes_.Increment(static_cast<double>(t.output_bytes_copied));
  zero_copy_requests_.Increment(static_cast<double>(t.zero_copy_requests));
  gathered_requests_.Increment(static_cast<double>(t.gathered_requests));
  zero_copy_runs_.Increment(static_cast<double>(t.zero_copy_runs));
  gathered_runs_.Increment(static_cast<double>(t.gathered_runs));
}

}  // namespace ortbackend
