#include "mmfree/runtime/device_engine.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "engine/sequence_outputs.hpp"
#include "mmfree/error.hpp"

namespace mmfree::device {
namespace {

// Counters of several commands, added name by name in the order the device reports them.
void add_counters(std::vector<Counter>& sum, const std::vector<Counter>& command) {
  if (sum.empty()) {
    sum = command;
    return;
  }
  for (const auto& c : command) {
    const auto found = std::find_if(sum.begin(), sum.end(), [&](const Counter& s) { return s.name == c.name; });
    if (found == sum.end())
      sum.push_back(c);
    else
      found->value += c.value;
  }
}

class DeviceEngine final : public Engine {
 public:
  DeviceEngine(std::string name, std::shared_ptr<DeviceRuntime> runtime)
      : name_(std::move(name)), runtime_(std::move(runtime)) {}
  ~DeviceEngine() override {
    for (const auto& [id, sequence] : sequences_) runtime_->release_slot(sequence.slot);
  }

  std::string_view name() const override { return name_; }
  const ModelConfig& config() const override { return runtime_->model().config(); }
  unsigned max_sequences() const override { return runtime_->state_slots(); }

  SequenceId open_sequence() override {
    const unsigned slot = runtime_->acquire_slot();
    const SequenceId id{next_id_++};
    sequences_.emplace(id, Slot{slot, true});
    return id;
  }
  // Nothing to send now: the next command carries flags.reset_state, so a reset costs no extra
  // start and the kernel zeroes the slot itself.
  void reset_sequence(SequenceId sequence) override { slot(sequence).at_start = true; }
  void close_sequence(SequenceId sequence) override {
    runtime_->release_slot(slot(sequence).slot);
    sequences_.erase(sequence);
  }

  SelftestResult run_matvec_selftest(std::span<const int8_t> qd, std::span<const int8_t> qi) override {
    SelftestResult result;
    result.row_sums = runtime_->run_matvec_selftest(qd, qi);
    result.counters = runtime_->read_counters();
    return result;
  }

 protected:
  bool is_open(SequenceId sequence) const override { return sequences_.contains(sequence); }

  DecodeResult run_batch(std::span<const SequenceInput> batch, Counters counters) override {
    DecodeResult result;
    result.outputs.reserve(batch.size());
    for (const auto& input : batch) {
      result.outputs.push_back(make_output(input, config().vocab_size));
      run_input(input, result.outputs.back(), counters == Counters::Read ? &result.counters : nullptr);
    }
    return result;
  }

 private:
  struct Slot {
    unsigned slot = 0;
    bool at_start = true;  // the next command resets the slot
  };

  Slot& slot(SequenceId sequence) {
    const auto found = sequences_.find(sequence);
    if (found == sequences_.end()) throw_not_open(sequence, name_);
    return found->second;
  }

  // The input's tokens as start commands of at most max_tokens_per_command tokens each.
  void run_input(const SequenceInput& input, SequenceOutput& out, std::vector<Counter>* counters) {
    Slot& s = slot(input.sequence);
    const std::size_t n = input.tokens.size(), vocab = config().vocab_size;
    const std::size_t chunk = runtime_->max_tokens_per_command();
    const bool logits = input.kind == OutputKind::Logits;
    for (std::size_t begin = 0; begin < n; begin += chunk) {
      const std::size_t count = std::min(chunk, n - begin);
      const bool last = begin + count == n;
      LogitsMode mode = LogitsMode::None;
      std::span<float> rows;
      std::span<uint32_t> argmax;
      if (input.outputs == Outputs::All) {
        argmax = std::span<uint32_t>(out.argmax).subspan(begin, count);
        if (logits) {
          mode = LogitsMode::All;
          rows = std::span<float>(out.logits).subspan(begin * vocab, count * vocab);
        }
      } else {
        argmax_.resize(count);
        argmax = argmax_;
        if (logits && last && input.outputs == Outputs::Last) {
          mode = LogitsMode::Last;
          rows = out.logits;
        }
      }
      try {
        runtime_->run_command(s.slot, input.tokens.subspan(begin, count), s.at_start, mode, argmax, rows);
      } catch (const DeviceError&) {
        // The slot may be part-updated (docs/device.md): the sequence cannot continue, only restart.
        s.at_start = true;
        throw;
      }
      s.at_start = false;
      if (last && input.outputs == Outputs::Last) out.argmax.front() = argmax.back();
      if (counters) add_counters(*counters, runtime_->read_counters());
    }
  }

  std::string name_;
  std::shared_ptr<DeviceRuntime> runtime_;
  uint32_t next_id_ = 0;
  std::map<SequenceId, Slot> sequences_;
  std::vector<uint32_t> argmax_;  // staging for the argmaxes nobody asked for
};

}  // namespace

std::unique_ptr<Engine> make_device_engine(std::string name, std::shared_ptr<DeviceRuntime> runtime) {
  if (!runtime) throw DeviceError("device engine: no runtime");
  return std::make_unique<DeviceEngine>(std::move(name), std::move(runtime));
}

std::unique_ptr<Engine> make_device_engine(std::string name, const Model& model, std::unique_ptr<Device> device,
                                           const DeviceRuntimeOptions& options) {
  return make_device_engine(std::move(name), DeviceRuntime::create(model, std::move(device), options));
}

}  // namespace mmfree::device
