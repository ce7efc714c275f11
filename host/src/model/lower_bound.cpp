#include "model/lower_bound.hpp"

#include <algorithm>
#include <cmath>

namespace mmfree::model {

std::vector<float> cumulative_lower_bounds(std::span<const float> raw, uint32_t layers, uint32_t d) {
  std::vector<float> lb(std::size_t(layers) * d, 0.0f);
  std::vector<double> p(layers);
  for (uint32_t c = 0; c < d; ++c) {
    // Max-subtracted softmax over the layer axis of channel c.
    double peak = -INFINITY;
    for (uint32_t l = 0; l < layers; ++l) peak = std::max(peak, double(raw[std::size_t(l) * d + c]));
    double total = 0.0;
    for (uint32_t l = 0; l < layers; ++l) {
      p[l] = std::exp(double(raw[std::size_t(l) * d + c]) - peak);
      total += p[l];
    }
    double cumulative = 0.0;
    for (uint32_t l = 0; l < layers; ++l) {
      cumulative += p[l] / total;
      lb[std::size_t(l) * d + c] = l == 0 ? 0.0f : static_cast<float>(cumulative - p[0] / total);
    }
  }
  return lb;
}

}  // namespace mmfree::model
