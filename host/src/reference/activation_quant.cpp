#include "mmfree/reference/activation_quant.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mmfree::reference {

int8_t quantize_to_int8(float scaled) {
  // std::round rounds half away from zero, which is what the checkpoints were trained with.
  const float rounded = std::round(scaled);
  return static_cast<int8_t>(std::clamp(rounded, -128.0f, 127.0f));
}

float quantize_activations(std::span<const float> y, std::span<int8_t> q) {
  if (q.size() != y.size()) throw std::invalid_argument("quantize_activations: q and y lengths differ");
  float max_abs = 0.0f;
  for (float v : y) max_abs = std::max(max_abs, std::fabs(v));
  const float scale = 127.0f / std::max(max_abs, kActivationQuantFloor);
  for (std::size_t k = 0; k < y.size(); ++k) q[k] = quantize_to_int8(y[k] * scale);
  return scale;
}

}  // namespace mmfree::reference
