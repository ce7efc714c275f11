// The one decode step of docs/model-spec.md in the integer arithmetic of docs/numerics.md,
// shared by the golden backend (GoldenEngine, matrices from the checkpoint) and the golden
// kernel model (device/, matrices from the per-port weight streams). Only where the ternary
// sums come from differs between the two, so that is the one thing a caller supplies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "mmfree/golden/fixed_bitlinear.hpp"
#include "mmfree/golden/numerics.hpp"
#include "mmfree/model.hpp"

namespace mmfree::golden {

// Every parameter of the step after the float32 -> fixed-point conversion (section 2).
struct DecodeParameters {
  struct Layer {
    std::array<std::vector<int32_t>, kNormsPerLayer> norms;  // format A, indexed by LayerNorm
    std::vector<uint32_t> lower_bound;                       // format G (may be empty when unused)
    std::array<ScaleFloat, kProjectionsPerLayer> k;          // K = beta * C per Projection
  };
  uint32_t hidden = 0, intermediate = 0, vocab = 0;
  bool use_lower_bound = true;
  std::vector<Layer> layers;
  std::vector<int32_t> final_norm, lm_head_norm;  // format A
  ScaleFloat lm_head_k;
  NormConstants hidden_constants, intermediate_constants;
};

// The matrices in stream order: layer l's projection pr is l * kProjectionsPerLayer + pr,
// the LM head is layers * kProjectionsPerLayer.
inline std::size_t matrix_index(uint32_t layer, Projection which) {
  return std::size_t(layer) * kProjectionsPerLayer + static_cast<std::size_t>(which);
}

// Writes the exact ternary sums of matrix `matrix` (see matrix_index) for the int8
// activations `q` into `sums` (one per row).
using TernarySums = std::function<void(std::size_t matrix, std::span<const int8_t> q, std::span<int32_t> sums)>;

class DecodeStep {
 public:
  // `parameters` must outlive the step.
  explicit DecodeStep(const DecodeParameters& parameters);

  // One token: `x` is its embedding row in format A, `state` the L*d MLGRU words h[0..L-1]
  // (updated in place), `sums` the ternary sums of matrix_index(...) for the given int8
  // activations. Returns the logits (format A), valid until the next call.
  std::span<const int32_t> run(std::span<const int32_t> x, std::span<int32_t> state, const TernarySums& sums);

  // Values clamped to the ends of format A since construction (quantizer inputs, BitLinear
  // outputs, MLGRU state, residual stream).
  uint64_t saturations() const { return saturations_; }

 private:
  void run_layer(uint32_t layer, std::span<int32_t> h, const TernarySums& sums);
  void project(std::size_t matrix, ScaleFloat k, std::span<const int32_t> p, uint128 t, std::span<int32_t> out,
               const TernarySums& sums);
  std::span<const int32_t> norm(uint32_t layer, LayerNorm which) const {
    return params_.layers[layer].norms[static_cast<int>(which)];
  }
  void count_saturated(std::span<const int32_t> values);

  const DecodeParameters& params_;
  std::vector<int32_t> x_, p1_, p_, f_, i_, g_, o_, gate_up_, z_, p_inter_, down_, logits_;
  FixedBitLinear bitlinear_;
  uint64_t saturations_ = 0;
};

}  // namespace mmfree::golden
