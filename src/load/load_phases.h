#pragma once
// How long each phase of one model's load took: logged at verbose level
// when the model state is loaded (bench/load_bench.py reads the line) so a
// slow load shows whether the time went to ONNX Runtime's session or to the
// backend's own steps around it.

#include <array>
#include <cstdint>
#include <string>

#include "common/clock.h"

namespace ortbackend {

enum class LoadPhase {
  kConfigParse,      // parameters, execution providers, the config and its checks against the model
  kModelRead,        // finding the model's files and their sizes
  kSessionOptions,   // building the session options and appending execution providers
  kSessionCreation,  // ONNX Runtime's session creation (reading and optimizing the model)
  kMemoryRelease,    // returning the freed parse buffers to the OS (malloc_trim)
  kPlacement,        // reporting where ORT placed the nodes
  kInspection,       // reading the model's inputs and outputs (a throwaway session when no session is kept)
  kAutoComplete,     // completing the config and handing it to the server
  kCount
};

// Phases add up: a phase entered twice (two sessions) counts both. Not
// thread-safe; one load fills it.
class LoadPhases {
 public:
  // Adds the time since `start_ns` to `phase`; returns now, the next phase's start.
  uint64_t Add(LoadPhase phase, uint64_t start_ns) {
    const uint64_t now = NowNs();
    ns_[static_cast<size_t>(phase)] += now - start_ns;
    return now;
  }
  uint64_t ns(LoadPhase phase) const { return ns_[static_cast<size_t>(phase)]; }
  // "config parse 0.21 ms, model read 0.02 ms, ..., other 0.10 ms" with
  // `total_ns` the whole load, of which "other" is what no phase holds.
  std::string Summary(uint64_t total_ns) const;

 private:
  std::array<uint64_t, static_cast<size_t>(LoadPhase::kCount)> ns_{};
};

const char* LoadPhaseName(LoadPhase phase);

}  // namespace ortbackend
