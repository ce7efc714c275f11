#include "model/config_limits.hpp"

#include <cmath>
#include <limits>

namespace mmfree::model {

std::optional<ConfigProblem> size_problem(const ModelConfig& config) {
  const struct {
    const char* field;
    uint32_t value;
    uint32_t max;
  } sizes[] = {
      {"hidden_size", config.hidden_size, kMaxHiddenSize},
      {"num_hidden_layers", config.num_layers, kMaxLayers},
      {"intermediate_size", config.intermediate_size, kMaxIntermediateSize},
      {"vocab_size", config.vocab_size, kMaxVocabSize},
  };
  for (const auto& s : sizes) {
    if (s.value == 0 || s.value > s.max) {
      return ConfigProblem{s.field, "is " + std::to_string(s.value) + ", outside the supported range 1.." +
                                        std::to_string(s.max)};
    }
  }
  return std::nullopt;
}

bool rms_norm_eps_in_range(float eps) {
  return std::isnormal(eps) && eps > 0.0f && double(eps) <= kMaxRmsNormEps;
}

std::string rms_norm_eps_range() { return "must be a positive number no larger than 1 (a normal float32)"; }

}  // namespace mmfree::model
