// The golden backend: the decode step of docs/model-spec.md in the integer arithmetic of
// docs/numerics.md, built only from the primitives in numerics.hpp. Its integer logits are
// the bits the RTL and the board must reproduce; floats appear only in the final conversion.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "mmfree/engine.hpp"
#include "mmfree/golden/fixed_bitlinear.hpp"
#include "mmfree/golden/numerics.hpp"
#include "mmfree/model.hpp"

namespace mmfree::golden {

class GoldenEngine final : public Engine {
 public:
  // Converts every norm weight, lower bound and beta once (docs/numerics.md section 2).
  // Throws ModelError naming the tensor for a NaN parameter or a beta that is not a positive
  // normal float32. `model` must outlive the engine.
  explicit GoldenEngine(const Model& model);

  void reset() override;
  // Throws UsageError for token >= vocab_size.
  std::span<const float> step(uint32_t token) override;
  std::string_view name() const override { return "golden"; }

  // The same step, returning the logits in format A (int32 Q16.16): the device's output bits.
  std::span<const int32_t> step_fixed(uint32_t token);
  // The MLGRU state h[layer] in format A after the last step.
  std::span<const int32_t> state(uint32_t layer) const { return state_.at(layer); }
  // How many values have been clamped to the ends of format A since construction (quantizer
  // inputs, BitLinear outputs, MLGRU state, residual stream). Zero on the demo model; a
  // non-zero count on a user's checkpoint means its activations outgrow Q16.16.
  uint64_t saturations() const { return saturations_; }

 private:
  struct LayerParams {
    std::array<std::vector<int32_t>, kNormsPerLayer> norms;  // format A, indexed by LayerNorm
    std::vector<uint32_t> lower_bound;                       // format G (empty when unused)
    std::array<ScaleFloat, kProjectionsPerLayer> k;          // K per Projection
  };

  void run_layer(uint32_t layer);
  std::span<const int32_t> norm(uint32_t layer, LayerNorm which) const {
    return layers_[layer].norms[static_cast<int>(which)];
  }
  void project(uint32_t layer, Projection which, std::span<const int32_t> p, uint128 t, std::span<int32_t> out);
  void count_saturated(std::span<const int32_t> values);

  const Model& model_;
  ModelConfig config_;
  NormConstants hidden_constants_, inter_constants_;
  std::vector<LayerParams> layers_;
  std::vector<int32_t> final_norm_, lm_head_norm_;
  ScaleFloat lm_head_k_;

  std::vector<std::vector<int32_t>> state_;  // h[l], format A
  std::vector<int32_t> x_, p1_, p_, f_, i_, g_, o_, gate_up_, z_, p_inter_, down_, logits_fixed_;
  std::vector<float> logits_;
  FixedBitLinear bitlinear_;
  uint64_t saturations_ = 0;
};

}  // namespace mmfree::golden
