// Per-token int8 absmax quantization of BitLinear inputs (docs/model-spec.md, step 2):
//   s = 127 / max(max_k |y_k|, 1e-5),  q_k = clamp(round(s * y_k), -128, 127)
// with round half away from zero (what the authors' fused kernel does, unlike torch.round).
#pragma once

#include <cstdint>
#include <span>

namespace mmfree::reference {

inline constexpr float kActivationQuantFloor = 1e-5f;

// Rounds half away from zero and saturates to int8.
int8_t quantize_to_int8(float scaled);

// Writes q (same length as y) and returns the scale s; y = q / s approximately.
float quantize_activations(std::span<const float> y, std::span<int8_t> q);

}  // namespace mmfree::reference
