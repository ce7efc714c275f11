#include <string>

#include "mmfree/device/device_runtime.hpp"
#include "mmfree/error.hpp"

namespace mmfree::device {

DeviceSequence::DeviceSequence(std::shared_ptr<DeviceRuntime> runtime, unsigned slot, std::string name)
    : runtime_(std::move(runtime)), slot_(slot), name_(std::move(name)) {}

DeviceSequence::~DeviceSequence() { runtime_->release_slot(slot_); }

void DeviceSequence::reset() {
  // Nothing to send now: the next command carries flags.reset_state, so a reset costs no
  // extra start and the kernel zeroes the slot itself.
  at_start_ = true;
}

void DeviceSequence::run(std::span<const uint32_t> tokens, LogitsMode mode, std::span<float> logits) {
  argmax_.resize(tokens.size());
  try {
    runtime_->run_command(slot_, tokens, at_start_, mode, argmax_, logits);
  } catch (const DeviceError&) {
    // The slot may be part-updated (docs/device.md): the sequence cannot continue, only restart.
    at_start_ = true;
    throw;
  }
  at_start_ = false;
}

std::span<const float> DeviceSequence::step(uint32_t token) {
  const uint32_t vocab = runtime_->model().config().vocab_size;
  logits_.resize(vocab);
  run(std::span<const uint32_t>(&token, 1), LogitsMode::Last, logits_);
  return logits_;
}

uint32_t DeviceSequence::step_argmax(uint32_t token) {
  run(std::span<const uint32_t>(&token, 1), LogitsMode::None, {});
  return argmax_[0];
}

std::span<const float> DeviceSequence::prefill(std::span<const uint32_t> tokens) {
  if (tokens.empty()) throw UsageError("prefill: the prompt has no tokens");
  const uint32_t vocab = runtime_->model().config().vocab_size;
  const std::size_t chunk = runtime_->max_tokens_per_command();
  logits_.resize(vocab);
  for (std::size_t begin = 0; begin < tokens.size(); begin += chunk) {
    const std::size_t n = std::min(chunk, tokens.size() - begin);
    const bool last = begin + n == tokens.size();
    run(tokens.subspan(begin, n), last ? LogitsMode::Last : LogitsMode::None,
        last ? std::span<float>(logits_) : std::span<float>());
  }
  return logits_;
}

std::span<const float> DeviceSequence::prefill_all_logits(std::span<const uint32_t> tokens) {
  if (tokens.empty()) throw UsageError("prefill: the prompt has no tokens");
  const uint32_t vocab = runtime_->model().config().vocab_size;
  const std::size_t chunk = runtime_->max_tokens_per_command();
  logits_.resize(tokens.size() * vocab);
  for (std::size_t begin = 0; begin < tokens.size(); begin += chunk) {
    const std::size_t n = std::min(chunk, tokens.size() - begin);
    run(tokens.subspan(begin, n), LogitsMode::All, std::span<float>(logits_).subspan(begin * vocab, n * vocab));
  }
  return logits_;
}

std::unique_ptr<Engine> make_device_engine(const Model& model, std::unique_ptr<Device> device, std::string name,
                                           const EngineOptions& options) {
  DeviceRuntimeOptions runtime_options;
  runtime_options.timeout_seconds = options.timeout_seconds;
  return DeviceRuntime::create(model, std::move(device), runtime_options)->open_sequence(std::move(name));
}

}  // namespace mmfree::device
