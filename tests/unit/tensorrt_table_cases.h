#pragma once
// The original backend's TensorRT parameter table as test data: for each Triton key, a
// value a user could write and the ORT option it must become. Shared by the
// parsing tests (execution_providers_test.cc) and the ORT read-back tests
// (ep_readback_test.cc).

#include <ostream>
#include <string>
#include <vector>

namespace ortbackend {

struct TensorRtCase {
  std::string key;       // in the model configuration
  std::string value;     // as written there
  std::string ort_key;   // ORT's TensorRT V2 option
  std::string expected;  // its normalized value
};

inline std::ostream& operator<<(std::ostream& os, const TensorRtCase& c) {
  return os << c.key << "=" << c.value << " -> " << c.ort_key << "=" << c.expected;
}

// Every row of the original backend's mapping table, in its order (precision_mode has one
// row per non-default value, as in the table). Values differ from ORT's
// defaults so that reading them back proves they arrived.
inline const std::vector<TensorRtCase>& TensorRtTableCases() {
  static const std::vector<TensorRtCase> cases = {
      {"max_workspace_size_bytes", "4294967296", "trt_max_workspace_size", "4294967296"},
      {"trt_max_partition_iterations", "500", "trt_max_partition_iterations", "500"},
      {"trt_min_subgraph_size", "3", "trt_min_subgraph_size", "3"},
      {"precision_mode", "FP16", "trt_fp16_enable", "1"},
      {"precision_mode", "BF16", "trt_bf16_enable", "1"},
      {"precision_mode", "INT8", "trt_int8_enable", "1"},
      {"int8_calibration_table_name", "calibration.flatbuffers", "trt_int8_calibration_table_name",
       "calibration.flatbuffers"},
      {"int8_use_native_calibration_table", "true", "trt_int8_use_native_calibration_table", "1"},
      {"trt_dla_enable", "1", "trt_dla_enable", "1"},
      {"trt_dla_core", "1", "trt_dla_core", "1"},
      {"trt_engine_cache_enable", "true", "trt_engine_cache_enable", "1"},
      {"trt_engine_cache_path", "/tmp/trt_engines", "trt_engine_cache_path", "/tmp/trt_engines"},
      {"trt_engine_cache_prefix", "resnet50", "trt_engine_cache_prefix", "resnet50"},
      {"trt_dump_subgraphs", "1", "trt_dump_subgraphs", "1"},
      {"trt_force_sequential_engine_build", "true", "trt_force_sequential_engine_build", "1"},
      {"trt_context_memory_sharing_enable", "TRUE", "trt_context_memory_sharing_enable", "1"},
      {"trt_layer_norm_fp32_fallback", "1", "trt_layer_norm_fp32_fallback", "1"},
      {"trt_timing_cache_enable", "true", "trt_timing_cache_enable", "1"},
      {"trt_timing_cache_path", "/tmp/trt_timing", "trt_timing_cache_path", "/tmp/trt_timing"},
      {"trt_force_timing_cache", "1", "trt_force_timing_cache", "1"},
      {"trt_detailed_build_log", "true", "trt_detailed_build_log", "1"},
      {"trt_build_heuristics_enable", "1", "trt_build_heuristics_enable", "1"},
      {"trt_sparsity_enable", "true", "trt_sparsity_enable", "1"},
      {"trt_builder_optimization_level", "5", "trt_builder_optimization_level", "5"},
      {"trt_auxiliary_streams", "2", "trt_auxiliary_streams", "2"},
      {"trt_tactic_sources", "-CUDNN,+CUBLAS", "trt_tactic_sources", "-CUDNN,+CUBLAS"},
      {"trt_extra_plugin_lib_paths", "/opt/plugins/libcustom.so", "trt_extra_plugin_lib_paths",
       "/opt/plugins/libcustom.so"},
      {"trt_profile_min_shapes", "input1:1x3x224x224", "trt_profile_min_shapes", "input1:1x3x224x224"},
      {"trt_profile_max_shapes", "input1:8x3x224x224", "trt_profile_max_shapes", "input1:8x3x224x224"},
      {"trt_profile_opt_shapes", "input1:4x3x224x224", "trt_profile_opt_shapes", "input1:4x3x224x224"},
      {"trt_cuda_graph_enable", "true", "trt_cuda_graph_enable", "1"},
      {"trt_dump_ep_context_model", "1", "trt_dump_ep_context_model", "1"},
      {"trt_ep_context_file_path", "/tmp/model_ctx.onnx", "trt_ep_context_file_path", "/tmp/model_ctx.onnx"},
      {"trt_ep_context_embed_mode", "1", "trt_ep_context_embed_mode", "1"},
  };
  return cases;
}

// A gtest parameter name for a case: the key, plus the value for precision_mode.
inline std::string TensorRtCaseName(const TensorRtCase& c) {
  return c.key == "precision_mode" ? c.key + "_" + c.value : c.key;
}

}  // namespace ortbackend
