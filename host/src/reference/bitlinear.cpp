#include "mmfree/reference/bitlinear.hpp"

#include <stdexcept>
#include <string>

#include "mmfree/reference/activation_quant.hpp"
#include "mmfree/reference/rms_norm.hpp"
#include "mmfree/ternary/matvec.hpp"

namespace mmfree::reference {

void BitLinear::apply(std::span<const float> x, std::span<const float> norm_weight, const TernaryMatrixView& w,
                      std::span<float> out) {
  if (x.size() != w.cols || out.size() != w.rows)
    throw std::invalid_argument("BitLinear: input " + std::to_string(x.size()) + " / output " +
                                std::to_string(out.size()) + " do not fit a [" + std::to_string(w.rows) +
                                ", " + std::to_string(w.cols) + "] matrix");
  normed_.resize(x.size());
  q_.resize(x.size());
  sums_.resize(w.rows);
  rms_norm(x, norm_weight, kBitLinearNormEps, normed_);
  const float scale = quantize_activations(normed_, q_);
  ternary_matvec(w, q_, sums_);
  const float factor = w.beta / scale;
  for (uint32_t r = 0; r < w.rows; ++r) out[r] = factor * static_cast<float>(sums_[r]);
}

}  // namespace mmfree::reference
