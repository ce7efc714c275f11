// RMSNorm as the checkpoints apply it: y = x * w / sqrt(mean(x^2) + eps).
#pragma once

#include <span>

namespace mmfree::reference {

// `out` may alias `x`. Throws std::invalid_argument when the lengths differ.
void rms_norm(std::span<const float> x, std::span<const float> weight, float eps, std::span<float> out);

}  // namespace mmfree::reference
