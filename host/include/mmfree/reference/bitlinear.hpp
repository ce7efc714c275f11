// BitLinear, the one projection of the model (docs/model-spec.md):
//   out = (beta / s) * sum_k T_jk * q_k,  q, s = int8 absmax of rmsnorm(x, norm_weight, 1e-6)
// The integer sum is exact (mmfree::ternary_matvec); only the final scaling is float.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mmfree/model.hpp"

namespace mmfree::reference {

// The fused inference path normalizes with eps 1e-6, whatever the module was built with.
inline constexpr float kBitLinearNormEps = 1e-6f;

// Reusable buffers so that a decode step does not allocate.
class BitLinear {
 public:
  // x has w.cols entries, norm_weight too; out has w.rows entries.
  // Throws std::invalid_argument on a shape mismatch.
  void apply(std::span<const float> x, std::span<const float> norm_weight, const TernaryMatrixView& w,
             std::span<float> out);

 private:
  std::vector<float> normed_;
  std::vector<int8_t> q_;
  std::vector<int32_t> sums_;
};

}  // namespace mmfree::reference
