#include "mmfree/sequence.hpp"

namespace mmfree {

Sequence::Sequence(Engine& engine, Counters counters)
    : engine_(engine), id_(engine.open_sequence()), counters_(counters) {}

Sequence::~Sequence() {
  try {
    engine_.close_sequence(id_);
  } catch (...) {
    // Closing an open handle cannot fail; a destructor must not throw regardless.
  }
}

void Sequence::reset() { engine_.reset_sequence(id_); }

const SequenceOutput& Sequence::feed(std::span<const uint32_t> tokens, Outputs outputs, OutputKind kind) {
  const SequenceInput input{id_, tokens, outputs, kind};
  last_ = engine_.decode(std::span<const SequenceInput>(&input, 1), counters_);
  return last_.outputs.front();
}

std::span<const float> Sequence::step(uint32_t token) {
  return feed(std::span<const uint32_t>(&token, 1), Outputs::Last, OutputKind::Logits).row(0);
}

uint32_t Sequence::step_argmax(uint32_t token) {
  return feed(std::span<const uint32_t>(&token, 1), Outputs::Last, OutputKind::Argmax).argmax.front();
}

std::span<const float> Sequence::prefill(std::span<const uint32_t> tokens) {
  return feed(tokens, Outputs::Last, OutputKind::Logits).row(0);
}

std::span<const float> Sequence::prefill_all_logits(std::span<const uint32_t> tokens) {
  return feed(tokens, Outputs::All, OutputKind::Logits).logits;
}

}  // namespace mmfree
