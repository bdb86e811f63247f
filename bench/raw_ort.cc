// The baseline: ONNX Runtime called directly. One session, `--concurrency`
// threads calling Session::Run in a loop on a random input of the requested
// batch size, for `--seconds`. Prints one JSON object: calls/s, latency
// percentiles of Run, and the process's peak RSS.
//
//   raw_ort_bench --model M.onnx --batch 1 --threads 0 --concurrency 1 --seconds 5 [--cuda 0]
// --threads 0 leaves ORT's default session options untouched (what "raw ORT
// with default options" means in bench/README.md); N > 0 sets intra-op threads.
// --input-sets K cycles each caller through K distinct input buffers, so a
// large input is not already in the cache when Run reads it -- as in a
// server, where every request's data arrives in fresh memory.
// For the tiny models (bench/tiny_models.py): --shape NAME=D0,D1 fixes an
// input's dynamic dims; INT64 inputs get --int-value (default 1), STRING
// inputs short words; --feed OUT=IN passes output OUT of one call as input IN
// of the next (a recurrent state, as a client of silero-vad does).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "raw_harness.h"

namespace {

struct Args {
  std::string model;
  int64_t batch = 1;
  int threads = 0;
  int concurrency = 1;
  double seconds = 5;
  double warmup_seconds = 1;
  int gap_us = 0;        // idle time between calls, to mimic a server waiting for requests
  int cuda_device = -1;  // >= 0: run on that GPU through the CUDA execution provider
  int input_sets = 1;    // > 1: cycle through this many distinct input buffers per caller
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;  // --shape
  std::string feed_out, feed_in;                                     // --feed
  int64_t int_value = 1;                                             // --int-value
};

std::vector<int64_t> Dims(const std::string& text) {
  std::vector<int64_t> dims;
  for (size_t at = 0; at <= text.size();) {
    const size_t comma = std::min(text.find(',', at), text.size());
    dims.push_back(std::atoll(text.substr(at, comma - at).c_str()));
    at = comma + 1;
  }
  return dims;
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--model")
      a.model = v;
    else if (k == "--batch")
      a.batch = std::atoll(v.c_str());
    else if (k == "--threads")
      a.threads = std::atoi(v.c_str());
    else if (k == "--concurrency")
      a.concurrency = std::atoi(v.c_str());
    else if (k == "--seconds")
      a.seconds = std::atof(v.c_str());
    else if (k == "--warmup")
      a.warmup_seconds = std::atof(v.c_str());
    else if (k == "--gap-us")
      a.gap_us = std::atoi(v.c_str());
    else if (k == "--cuda")
      a.cuda_device = std::atoi(v.c_str());
    else if (k == "--input-sets")
      a.input_sets = std::max(1, std::atoi(v.c_str()));
    else if (k == "--shape" && v.find('=') != std::string::npos)
      a.shapes.emplace_back(v.substr(0, v.find('=')), Dims(v.substr(v.find('=') + 1)));
    else if (k == "--feed" && v.find('=') != std::string::npos) {
      a.feed_out = v.substr(0, v.find('='));
      a.feed_in = v.substr(v.find('=') + 1);
    } else if (k == "--int-value")
      a.int_value = std::atoll(v.c_str());
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.model.empty()) {
    std::fprintf(stderr, "--model is required\n");
    std::exit(2);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "raw-bench");
  Ort::SessionOptions so;
  if (args.threads > 0) {
    so.SetIntraOpNumThreads(args.threads);
    so.SetInterOpNumThreads(1);
  }
  if (args.cuda_device >= 0) rawbench::AppendCuda(so, args.cuda_device);
  Ort::Session session(env, args.model.c_str(), so);
  rawbench::ModelIo io(session, args.batch);
  for (const auto& [name, dims] : args.shapes)
    for (size_t i = 0; i < io.in_names.size(); ++i)
      if (io.in_names[i] == name) io.shapes[i] = dims;
  auto index_of = [](const std::vector<std::string>& names, const std::string& n) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) return static_cast<int>(i);
    return -1;
  };
  const int feed_out = index_of(io.out_names, args.feed_out), feed_in = index_of(io.in_names, args.feed_in);

  rawbench::Timing timing =
      rawbench::TimedCallers(args.concurrency, args.warmup_seconds, args.seconds, args.gap_us, [&](int t) {
        std::mt19937 rng(t);
        std::uniform_real_distribution<float> dist(-1, 1);
        Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
        Ort::AllocatorWithDefaultOptions alloc;
        std::vector<std::vector<float>> data;
        std::vector<std::vector<int64_t>> ints;
        std::vector<std::vector<Ort::Value>> sets(args.input_sets);
        for (auto& inputs : sets) {
          for (size_t i = 0; i < io.shapes.size(); ++i) {
            const size_t n = io.elements(i);
            const auto& shape = io.shapes[i];
            if (io.types[i] == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64) {
              ints.emplace_back(n, args.int_value);
              inputs.push_back(
                  Ort::Value::CreateTensor<int64_t>(mem, ints.back().data(), n, shape.data(), shape.size()));
            } else if (io.types[i] == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
              // A server's string input is decoded into ORT's own storage on every
              // request, so the baseline fills its string tensor on every call too.
              inputs.push_back(
                  Ort::Value::CreateTensor(alloc, shape.data(), shape.size(), ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING));
            } else {
              data.emplace_back(n);
              for (auto& x : data.back()) x = dist(rng);
              inputs.push_back(Ort::Value::CreateTensor<float>(mem, data.back().data(), n, shape.data(), shape.size()));
            }
          }
        }
        return [&session, &io, feed_out, feed_in, ro = Ort::RunOptions(), data = std::move(data),
                ints = std::move(ints), sets = std::move(sets), next = size_t{0}]() mutable {
          auto& inputs = sets[next];
          next = (next + 1) % sets.size();
          static const char* const kWords[] = {"hello", "tiny", "model", "strings"};
          for (size_t i = 0; i < inputs.size(); ++i)
            if (io.types[i] == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING)
              for (size_t e = 0; e < io.elements(i); ++e) inputs[i].FillStringTensorElement(kWords[e % 4], e);
          auto out =
              session.Run(ro, io.in_ptrs.data(), inputs.data(), inputs.size(), io.out_ptrs.data(), io.out_ptrs.size());
          // The state goes back in: the next call reads what this one wrote.
          if (feed_out >= 0 && feed_in >= 0) inputs[feed_in] = std::move(out[feed_out]);
        };
      });
  rawbench::PrintSummary(timing, args.batch);
  return 0;
}
