// One decoding sequence on one backend: feed a token, get the next-token logits.
//
// Every CLI tool (logits, perplexity, compare, generate, bench) is written against this
// interface, so `--backend reference|golden|sim|xrt` changes nothing else.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mmfree/model.hpp"

namespace mmfree {

// Options a backend may use; each ignores what does not concern it.
struct EngineOptions {
  std::string memory_preset = "ideal";  // sim: ideal | hbm | ddr4
  std::filesystem::path trace_file;     // sim: FST waveform
  std::filesystem::path xclbin;         // xrt
  unsigned device_index = 0;            // xrt
  double timeout_seconds = 60.0;        // device backends: per start/wait
  bool random_stalls = false;           // sim: randomized AXI ready/valid stalls
  uint64_t stall_seed = 1;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Back to the start of a sequence: every layer's MLGRU state is zero.
  virtual void reset() = 0;
  // Feeds one token and returns the logits over the vocabulary for the next position.
  // The span stays valid until the next call on this engine.
  virtual std::span<const float> step(uint32_t token) = 0;
  virtual std::string_view name() const = 0;
};

// The backends this build knows, by name.
std::span<const std::string_view> engine_names();

// Creates an engine; throws UsageError for an unknown name, DeviceError when the device
// cannot be opened. `model` must outlive the engine.
std::unique_ptr<Engine> make_engine(std::string_view backend, const Model& model,
                                    const EngineOptions& options = {});

}  // namespace mmfree
