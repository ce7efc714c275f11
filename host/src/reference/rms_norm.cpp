#include "mmfree/reference/rms_norm.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace mmfree::reference {

void rms_norm(std::span<const float> x, std::span<const float> weight, float eps, std::span<float> out) {
  if (weight.size() != x.size() || out.size() != x.size())
    throw std::invalid_argument("rms_norm: input length " + std::to_string(x.size()) + ", weight length " +
                                std::to_string(weight.size()) + ", output length " +
                                std::to_string(out.size()) + " must all be equal");
  // Accumulated in float like the authors' kernels; the mean is over the real length.
  float sum_squares = 0.0f;
  for (float v : x) sum_squares += v * v;
  const float inv_rms = 1.0f / std::sqrt(sum_squares / static_cast<float>(x.size()) + eps);
  for (std::size_t k = 0; k < x.size(); ++k) out[k] = x[k] * inv_rms * weight[k];
}

}  // namespace mmfree::reference
