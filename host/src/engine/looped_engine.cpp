#include "mmfree/looped_engine.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "engine/sequence_outputs.hpp"
#include "mmfree/sampling/sampler.hpp"

namespace mmfree {
namespace {

class LoopedEngine final : public Engine {
 public:
  LoopedEngine(std::string name, const Model& model, StepperFactory make_stepper)
      : name_(std::move(name)), model_(model), make_stepper_(std::move(make_stepper)) {}

  std::string_view name() const override { return name_; }
  const ModelConfig& config() const override { return model_.config(); }
  // Limited only by host memory: each sequence holds its own stepper.
  unsigned max_sequences() const override { return std::numeric_limits<unsigned>::max(); }

  SequenceId open_sequence() override {
    const SequenceId id{next_id_++};
    sequences_.emplace(id, make_stepper_());
    return id;
  }
  void reset_sequence(SequenceId sequence) override { stepper(sequence).reset(); }
  void close_sequence(SequenceId sequence) override {
    if (sequences_.erase(sequence) == 0) throw_not_open(sequence, name_);
  }

  bool is_open(SequenceId sequence) const override { return sequences_.contains(sequence); }

  DecodeResult run_batch(std::span<const SequenceInput> batch, Counters) override {
    DecodeResult result;
    result.outputs.reserve(batch.size());
    const std::size_t vocab = config().vocab_size;
    for (const auto& input : batch) {
      SequenceStepper& s = stepper(input.sequence);
      SequenceOutput out = make_output(input, vocab);
      for (std::size_t pos = 0; pos < input.tokens.size(); ++pos) {
        const auto logits = s.step(input.tokens[pos]);
        if (pos < out.first_position || pos - out.first_position >= out.rows()) continue;
        const std::size_t r = pos - out.first_position;
        out.argmax[r] = argmax(logits);
        if (input.kind == OutputKind::Logits) std::copy(logits.begin(), logits.end(), out.logits.begin() + r * vocab);
      }
      result.outputs.push_back(std::move(out));
    }
    return result;
  }

 private:
  SequenceStepper& stepper(SequenceId sequence) {
    const auto found = sequences_.find(sequence);
    if (found == sequences_.end()) throw_not_open(sequence, name_);
    return *found->second;
  }

  std::string name_;
  const Model& model_;
  StepperFactory make_stepper_;
  uint32_t next_id_ = 0;
  std::map<SequenceId, std::unique_ptr<SequenceStepper>> sequences_;
};

}  // namespace

std::unique_ptr<Engine> make_looped_engine(std::string name, const Model& model, StepperFactory make_stepper) {
  return std::make_unique<LoopedEngine>(std::move(name), model, std::move(make_stepper));
}

}  // namespace mmfree
