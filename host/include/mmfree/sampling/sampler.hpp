// Choosing the next token from logits on the host: greedy, or temperature sampling
// restricted by top-k and top-p. The same seed always gives the same choices.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace mmfree {

struct SamplingOptions {
  float temperature = 0.0f;  // 0: greedy (argmax)
  uint32_t top_k = 0;        // 0: no limit; 1 is greedy
  float top_p = 1.0f;        // nucleus: the smallest set of most likely tokens with mass >= top_p
  uint64_t seed = 0;
};

// The index of the largest logit; the lowest index wins a tie.
uint32_t argmax(std::span<const float> logits);

class Sampler {
 public:
  // Throws UsageError for a negative or non-finite temperature or top_p outside (0, 1].
  explicit Sampler(const SamplingOptions& options);

  uint32_t sample(std::span<const float> logits);
  bool is_greedy() const { return options_.temperature == 0.0f || options_.top_k == 1; }

  // The candidates the last non-greedy sample() drew from, most likely first (for tests).
  std::span<const uint32_t> last_support() const { return support_; }

 private:
  // A uniform double in [0, 1) from 53 random bits: unlike std::uniform_real_distribution,
  // its sequence is the same with every standard library.
  double uniform();

  SamplingOptions options_;
  std::mt19937_64 rng_;
  std::vector<uint32_t> order_;
  std::vector<uint32_t> support_;
  std::vector<double> weights_;
};

}  // namespace mmfree
