// The forget-gate lower bounds the decode step uses, precomputed from the trained
// `model.lower_bounds` [L, d] (docs/model-spec.md):
//   LB = cumsum(softmax(lower_bounds, over layers), over layers) - softmax(...)[0]
// per channel, in double and rounded once to float, so LB[0] is exactly 0.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace mmfree::model {

// `raw` is [layers, d] row-major; the result has the same layout.
std::vector<float> cumulative_lower_bounds(std::span<const float> raw, uint32_t layers, uint32_t d);

}  // namespace mmfree::model
