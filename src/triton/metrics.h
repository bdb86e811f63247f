#pragma once
// The backend's Prometheus metrics, served on the server's metrics endpoint
// next to Triton's own (docs/metrics.md lists each one). The families are
// made once per backend (BackendMetrics, in TRITONBACKEND_Initialize, deleted
// in TRITONBACKEND_Finalize after every model is gone); each model and
// instance makes its own labelled metrics from them and deletes them with
// itself, so a metric never outlives its family.
//
// When the server has metrics off, or is built without them, there are no
// families: every ModelMetrics/InstanceMetrics is then empty and each update
// is a null check. Updates are thread-safe (the server's metrics are atomic).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "triton_api/tritonserver_api.h"

namespace ortbackend {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// One labelled metric. An empty one (no family) ignores every update.
class Metric {
 public:
  Metric() = default;
  explicit Metric(TRITONSERVER_Metric* metric) : metric_(metric) {}
  Metric(Metric&& other) noexcept : metric_(std::exchange(other.metric_, nullptr)) {}
  Metric& operator=(Metric&& other) noexcept;
  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;
  ~Metric();

  void Increment(double value);  // counters and gauges; 0 is not sent
  void Set(double value);        // gauges only
  bool enabled() const { return metric_ != nullptr; }

 private:
  void Reset();
  TRITONSERVER_Metric* metric_ = nullptr;
};

// One metric family: a name, a kind and a help text.
class MetricFamily {
 public:
  static StatusOr<std::unique_ptr<MetricFamily>> Create(TRITONSERVER_MetricKind kind, const std::string& name,
                                                        const std::string& description);
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;
  ~MetricFamily();

  // A metric of this family with `labels`, or the error that prevented it.
  StatusOr<Metric> NewMetric(const MetricLabels& labels) const;
  const std::string& name() const { return name_; }

 private:
  MetricFamily(TRITONSERVER_MetricFamily* family, std::string name) : family_(family), name_(std::move(name)) {}
  TRITONSERVER_MetricFamily* family_;
  std::string name_;
};

// Every family of the backend. All names start with kMetricPrefix.
struct BackendMetrics {
  // The families, or null when the server refuses them (metrics off): the
  // reason is logged once, here, and the backend serves without metrics.
  static std::unique_ptr<BackendMetrics> Create();

  std::unique_ptr<MetricFamily> session_build_us;     // gauge, per model
  std::unique_ptr<MetricFamily> sessions;             // gauge, per model
  std::unique_ptr<MetricFamily> weights_bytes;        // gauge, per model
  std::unique_ptr<MetricFamily> provider_nodes;       // gauge, per model and provider
  std::unique_ptr<MetricFamily> input_bytes_copied;   // counter, per instance
  std::unique_ptr<MetricFamily> output_bytes_copied;  // counter, per instance
  std::unique_ptr<MetricFamily> requests;             // counter, per instance and path
  std::unique_ptr<MetricFamily> executions;           // counter, per instance and path
};

inline constexpr const char* kMetricPrefix = "onnxruntime_backend_";

// One model's metrics (labels model, version). Sessions are created by
// instances that may load in parallel, hence the lock.
class ModelMetrics {
 public:
  ModelMetrics(const BackendMetrics* families, const std::string& model, uint64_t version);

  // One more session of this model, built in `build_us` microseconds.
  void AddSession(uint64_t build_us);
  void SetWeightsBytes(uint64_t bytes);
  // The nodes that `provider` got in the model's (last created) session.
  void SetProviderNodes(const std::string& provider, uint64_t nodes);

 private:
  const BackendMetrics* families_;
  MetricLabels labels_;
  Metric session_build_us_, sessions_, weights_bytes_;
  std::mutex mutex_;  // guards what follows
  uint64_t build_us_total_ = 0, session_count_ = 0;
  std::map<std::string, Metric> provider_nodes_;
};

// What one Execute did, summed over its ORT runs; reported once per Execute.
// A run is on the zero-copy path when the gatherer copied no input bytes for
// it (ORT read the requests' own buffers), else on the gathered path.
struct ExecutionTally {
  uint64_t input_bytes_copied = 0, output_bytes_copied = 0;
  uint64_t zero_copy_runs = 0, gathered_runs = 0;
  uint64_t zero_copy_requests = 0, gathered_requests = 0;

  void AddRun(bool gathered, uint64_t requests) {
    (gathered ? gathered_runs : zero_copy_runs) += 1;
    (gathered ? gathered_requests : zero_copy_requests) += requests;
  }
};

// One instance's execution counters (labels model, version, instance, and
// device for a GPU instance).
class InstanceMetrics {
 public:
  InstanceMetrics() = default;
  InstanceMetrics(const BackendMetrics* families, const std::string& model, uint64_t version,
                  const std::string& instance, int gpu_device /* -1: a CPU instance */);

  void Record(const ExecutionTally& tally);

 private:
  Metric input_bytes_, output_bytes_;
  Metric zero_copy_requests_, gathered_requests_, zero_copy_runs_, gathered_runs_;
};

}  // namespace ortbackend
