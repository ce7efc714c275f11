// The model configs this runtime accepts, whichever file they come from (config.json or a
// .mmf header): sizes small enough that every offset of the image layout fits 64 bits with
// room to spare, and an RMSNorm epsilon that is a positive normal float no larger than 1 (the
// kernel's norm constants are computed from the float, and 1e308 or 1e-320 would not survive
// the conversion from the double JSON holds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mmfree/model.hpp"

namespace mmfree::model {

// Far above the released models (d 2560, I 6912, L 32, V 32000), far below any overflow:
// V * d * 4 and L * the layer stride stay below 2^50.
inline constexpr uint32_t kMaxHiddenSize = 1u << 16;
inline constexpr uint32_t kMaxIntermediateSize = 1u << 18;
inline constexpr uint32_t kMaxLayers = 1u << 10;
inline constexpr uint32_t kMaxVocabSize = 1u << 22;
inline constexpr double kMaxRmsNormEps = 1.0;

struct ConfigProblem {
  std::string field;    // the config.json name of the field at fault
  std::string message;  // what is wrong, to follow the field name
};

// The first size field out of range (zero or above its maximum), if any.
std::optional<ConfigProblem> size_problem(const ModelConfig& config);

bool rms_norm_eps_in_range(float eps);
// "must be a positive number no larger than 1 (as a normal float32)"
std::string rms_norm_eps_range();

}  // namespace mmfree::model
