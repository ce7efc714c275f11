// The golden backend: the decode step of docs/model-spec.md in the integer arithmetic of
// docs/numerics.md, built only from the primitives in numerics.hpp. Its integer logits are
// the bits the RTL and the board must reproduce; floats appear only in the final conversion.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "mmfree/sequence_stepper.hpp"
#include "mmfree/golden/decode_step.hpp"
#include "mmfree/golden/numerics.hpp"
#include "mmfree/model.hpp"

namespace mmfree::golden {

class GoldenEngine final : public SequenceStepper {
 public:
  // Converts every norm weight, lower bound and beta once (docs/numerics.md section 2).
  // Throws ModelError naming the tensor for a NaN parameter or a beta that is not a positive
  // normal float32. `model` must outlive the engine.
  explicit GoldenEngine(const Model& model);
  // The decode step refers to this engine's converted parameters.
  GoldenEngine(const GoldenEngine&) = delete;
  GoldenEngine& operator=(const GoldenEngine&) = delete;

  void reset() override;
  // Throws UsageError for token >= vocab_size.
  std::span<const float> step(uint32_t token) override;
  std::string_view name() const override { return "golden"; }

  // The same step, returning the logits in format A (int32 Q16.16): the device's output bits.
  std::span<const int32_t> step_fixed(uint32_t token);
  // The MLGRU state h[layer] in format A after the last step.
  // Throws std::out_of_range for layer >= num_layers.
  std::span<const int32_t> state(uint32_t layer) const;
  // How many values have been clamped to the ends of format A since construction (quantizer
  // inputs, BitLinear outputs, MLGRU state, residual stream). Zero on the demo model; a
  // non-zero count on a user's checkpoint means its activations outgrow Q16.16.
  uint64_t saturations() const { return step_->saturations(); }

 private:
  const Model& model_;
  ModelConfig config_;
  DecodeParameters params_;
  std::unique_ptr<DecodeStep> step_;  // refers to params_, so built after it

  std::vector<int32_t> state_;  // h[0..L-1], format A, layer after layer
  std::vector<int32_t> x_;      // the embedding row in format A
  std::vector<float> logits_;
};

}  // namespace mmfree::golden
