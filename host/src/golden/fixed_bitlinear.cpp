#include "mmfree/golden/fixed_bitlinear.hpp"

#include <stdexcept>
#include <string>

#include "mmfree/ternary/matvec.hpp"

namespace mmfree::golden {

ScaleFloat matrix_constant(const TernaryMatrixView& m, const NormConstants& k) {
  return sf_mul(to_sf(m.beta), k.c);
}

void FixedBitLinear::apply(std::span<const int32_t> p, uint128 t, ScaleFloat k, const TernaryMatrixView& m,
                           std::span<int32_t> out) {
  if (p.size() != m.cols || out.size() != m.rows)
    throw std::invalid_argument("FixedBitLinear: input " + std::to_string(p.size()) + " / output " +
                                std::to_string(out.size()) + " do not match a " + std::to_string(m.rows) +
                                "x" + std::to_string(m.cols) + " matrix");
  apply(p, t, k, [&m](std::span<const int8_t> q, std::span<int32_t> sums) { ternary_matvec(m, q, sums); }, out);
}

void FixedBitLinear::apply(std::span<const int32_t> p, uint128 t, ScaleFloat k, const MatrixSums& matrix_sums,
                           std::span<int32_t> out) {
  q_.resize(p.size());  // no-ops after the first call of each size
  sums_.resize(out.size());
  const uint32_t amax = quantize_vector(p, q_);
  const ScaleFloat scale = bitlinear_scale(k, amax, t);
  if (scale.mantissa == 0) {  // all-zero input: the quantized vector is zero, so is the output
    std::fill(out.begin(), out.end(), 0);
    return;
  }
  matrix_sums(std::span<const int8_t>(q_.data(), p.size()), std::span<int32_t>(sums_.data(), out.size()));
  for (std::size_t j = 0; j < out.size(); ++j) out[j] = apply_scale_a(sums_[j], scale);
}

}  // namespace mmfree::golden
