// One sequence's forward pass on a CPU backend, a token at a time. The reference and golden
// backends are steppers; make_looped_engine turns one stepper per open sequence into an Engine.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace mmfree {

class SequenceStepper {
 public:
  virtual ~SequenceStepper() = default;
  // Back to the start of the sequence: every layer's MLGRU state is zero.
  virtual void reset() = 0;
  // Feeds one token and returns the logits over the vocabulary for the next position, valid
  // until the next call. UsageError for token >= vocab_size.
  virtual std::span<const float> step(uint32_t token) = 0;
  virtual std::string_view name() const = 0;
};

}  // namespace mmfree
