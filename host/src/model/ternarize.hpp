// Per-tensor absmean ternarization of a latent BitLinear weight matrix, as the released
// checkpoints' reference code computes it (docs/model-spec.md, BitLinear step 3):
//   beta = max(mean(|W|), 1e-5)   (mean accumulated in double, rounded once to float)
//   T    = clamp(round_half_even(W * (1/beta)), -1, 1), the product taken in float32
// and packed 2 bits per weight (0b00 = 0, 0b01 = +1, 0b11 = -1), rows padded to 64 bytes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/safetensors.hpp"

namespace mmfree::model {

struct PackedTernaryMatrix {
  uint32_t rows = 0;
  uint32_t cols = 0;
  uint32_t row_stride_bytes = 0;
  float beta = 0.0f;
  std::vector<uint8_t> data;  // rows * row_stride_bytes
};

// beta of a matrix from the sum of |W| over its `count` entries.
float ternary_beta(double sum_abs, uint64_t count);

// The ternary value of one latent weight, given scale = 1.0f / beta.
inline int8_t ternary_value(float weight, float scale) {
  const float scaled = weight * scale;
  // rint under the default rounding mode is round-half-to-even, like torch.round.
  const float rounded = __builtin_rintf(scaled);
  return static_cast<int8_t>(rounded > 0.0f ? 1 : (rounded < 0.0f ? -1 : 0));
}

inline uint8_t ternary_code(int8_t value) { return value == 1 ? 0b01 : (value == -1 ? 0b11 : 0b00); }

// Ternarizes the [rows, cols] tensor `latent` (already checked for shape and dtype), reading
// it twice through its memory map. Throws ModelError naming the tensor on a non-finite value.
PackedTernaryMatrix ternarize(const TensorInfo& latent, uint32_t rows, uint32_t cols);

}  // namespace mmfree::model
