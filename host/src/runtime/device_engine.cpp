#include "mmfree/runtime/device_engine.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "engine/sequence_outputs.hpp"
#include "runtime/lane_schedule.hpp"
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
  // Nothing to send now: the next command sets the sequence's lane_reset bit, so a reset costs no extra
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
    for (const auto& input : batch) result.outputs.push_back(make_output(input, config().vocab_size));
    // Every input's tokens, shared out into start commands of up to B lanes (lane_schedule.hpp):
    // one lane per decoding sequence, a chain of lanes for a prompt, as many passes per command
    // as every lane has tokens for.
    std::vector<std::size_t> done(batch.size(), 0), remaining(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) remaining[i] = batch[i].tokens.size();
    for (;;) {
      const CommandPlan plan = plan_command(remaining, runtime_->batch_lanes(), runtime_->max_tokens_per_command());
      if (plan.groups.empty()) break;
      run_plan(batch, plan, done, result.outputs);
      for (const LaneGroup& g : plan.groups) {
        done[g.input] += std::size_t(plan.passes) * g.lanes;
        remaining[g.input] -= std::size_t(plan.passes) * g.lanes;
      }
      if (counters == Counters::Read) add_counters(result.counters, runtime_->read_counters());
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

  // Whether `input`'s output rows include the one after its token `position`.
  static bool wants_row(const SequenceInput& input, std::size_t position) {
    return input.outputs == Outputs::All || (input.outputs == Outputs::Last && position + 1 == input.tokens.size());
  }

  // One start command: group g's m lanes run its input's tokens done[i] + t*m + j (pass t, lane
  // j of the group); then every output row asked for is filled from the command's argmax and,
  // for OutputKind::Logits, from the logits rows it wrote.
  void run_plan(std::span<const SequenceInput> batch, const CommandPlan& plan, const std::vector<std::size_t>& done,
                std::vector<SequenceOutput>& outputs) {
    const uint32_t n = plan.passes;
    const unsigned k = plan.lanes();
    LaneCommand command;
    command.passes = n;
    command.tokens.resize(std::size_t(n) * k);
    command.mode = LogitsMode::None;
    unsigned first_lane = 0;
    for (const LaneGroup& g : plan.groups) {
      const SequenceInput& input = batch[g.input];
      const Slot& s = slot(input.sequence);
      if (s.at_start) command.reset_lanes |= 1u << first_lane;
      for (unsigned j = 0; j < g.lanes; ++j) command.slots.push_back(s.slot);
      for (uint32_t t = 0; t < n; ++t)
        for (unsigned j = 0; j < g.lanes; ++j)
          command.tokens[std::size_t(t) * k + first_lane + j] = input.tokens[done[g.input] + std::size_t(t) * g.lanes + j];
      if (input.kind == OutputKind::Logits) {
        // All rows when any lane needs a row before the last pass; else the last pass's rows.
        const std::size_t end = done[g.input] + std::size_t(n) * g.lanes;
        if (input.outputs == Outputs::All) command.mode = LogitsMode::All;
        else if (wants_row(input, end - 1) && command.mode == LogitsMode::None) command.mode = LogitsMode::Last;
      }
      first_lane += g.lanes;
    }
    argmax_.resize(command.tokens.size());
    try {
      runtime_->run_lanes(command, argmax_);
    } catch (const DeviceError&) {
      // The slots may be part-updated (docs/device.md): those sequences cannot continue, only restart.
      for (const LaneGroup& g : plan.groups) slot(batch[g.input].sequence).at_start = true;
      throw;
    }
    first_lane = 0;
    const std::size_t vocab = config().vocab_size;
    for (const LaneGroup& g : plan.groups) {
      const SequenceInput& input = batch[g.input];
      SequenceOutput& out = outputs[g.input];
      slot(input.sequence).at_start = false;
      for (uint32_t t = 0; t < n; ++t)
        for (unsigned j = 0; j < g.lanes; ++j) {
          const std::size_t position = done[g.input] + std::size_t(t) * g.lanes + j;
          if (!wants_row(input, position)) continue;
          const std::size_t row = input.outputs == Outputs::All ? position : 0;
          const unsigned lane = first_lane + j;
          out.argmax[row] = argmax_[std::size_t(t) * k + lane];
          if (input.kind == OutputKind::Logits)
            runtime_->read_logits(command.mode == LogitsMode::All ? uint64_t(t) * k + lane : lane,
                                  std::span<float>(out.logits).subspan(row * vocab, vocab));
        }
      first_lane += g.lanes;
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
