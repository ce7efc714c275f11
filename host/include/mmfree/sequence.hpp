// One sequence on an Engine, for tools and tests that decode a single stream: opened on
// construction, closed on destruction, each call one Engine::decode with one input.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mmfree/engine.hpp"

namespace mmfree {

class Sequence {
 public:
  // Opens a sequence on `engine`, which must outlive this object (DeviceError when a device
  // has no free state slot). Counters::Read: every call reads the device's counters.
  explicit Sequence(Engine& engine, Counters counters = Counters::Skip);
  ~Sequence();
  Sequence(const Sequence&) = delete;
  Sequence& operator=(const Sequence&) = delete;

  // Back to the start.
  void reset();
  // Feeds one token; the logits for the next position, valid until the next call.
  std::span<const float> step(uint32_t token);
  // Feeds one token; only the argmax of the next-token logits (greedy decoding).
  uint32_t step_argmax(uint32_t token);
  // Feeds `tokens` (one call); the logits after the last one.
  std::span<const float> prefill(std::span<const uint32_t> tokens);
  // Feeds `tokens` (one call); the logits after every one, row t at [t * V, (t + 1) * V).
  std::span<const float> prefill_all_logits(std::span<const uint32_t> tokens);
  // Feeds `tokens` with the outputs asked for; the whole output of the call.
  const SequenceOutput& feed(std::span<const uint32_t> tokens, Outputs outputs, OutputKind kind);

  // Whether the next calls read the device's counters (engine.hpp, Counters).
  void set_counters(Counters counters) { counters_ = counters; }
  // The device counters of the last call (empty when the backend has none or were not read).
  const std::vector<device::Counter>& counters() const { return last_.counters; }
  SequenceId id() const { return id_; }
  Engine& engine() { return engine_; }

 private:
  Engine& engine_;
  SequenceId id_;
  Counters counters_;
  DecodeResult last_;
};

}  // namespace mmfree
