// The element-wise nonlinearities of the model, in float32 like the authors' code.
#pragma once

#include <cmath>

namespace mmfree::reference {

inline float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }
inline float silu(float z) { return z * sigmoid(z); }

}  // namespace mmfree::reference
