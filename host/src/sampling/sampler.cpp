#include "mmfree/sampling/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree {

uint32_t argmax(std::span<const float> logits) {
  if (logits.empty()) throw UsageError("argmax of an empty logits vector");
  return static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

Sampler::Sampler(const SamplingOptions& options) : options_(options), rng_(options.seed) {
  if (!std::isfinite(options.temperature) || options.temperature < 0.0f)
    throw UsageError("--temperature must be a finite number >= 0 (got " + std::to_string(options.temperature) + ")");
  if (!(options.top_p > 0.0f && options.top_p <= 1.0f))
    throw UsageError("--top-p must be in (0, 1] (got " + std::to_string(options.top_p) + ")");
}

double Sampler::uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

uint32_t Sampler::sample(std::span<const float> logits) {
  if (is_greedy()) return argmax(logits);
  if (logits.empty()) throw UsageError("sampling from an empty logits vector");

  // Most likely first; ties go to the lower id so the order never depends on the sort.
  order_.resize(logits.size());
  std::iota(order_.begin(), order_.end(), 0u);
  const auto more_likely = [&](uint32_t a, uint32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
  std::size_t keep = logits.size();
  if (options_.top_k != 0 && options_.top_k < keep) keep = options_.top_k;
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(keep), order_.end(), more_likely);

  // Softmax of logits / T over the kept candidates, in double.
  const double inv_t = 1.0 / options_.temperature;
  const double top = logits[order_[0]] * inv_t;
  weights_.resize(keep);
  double total = 0.0;
  for (std::size_t k = 0; k < keep; ++k) total += weights_[k] = std::exp(logits[order_[k]] * inv_t - top);

  // Nucleus: cut after the first prefix whose probability reaches top_p.
  if (options_.top_p < 1.0f) {
    double mass = 0.0;
    std::size_t cut = 0;
    while (cut < keep) {
      mass += weights_[cut++] / total;
      if (mass >= options_.top_p) break;
    }
    keep = cut;
    total = std::accumulate(weights_.begin(), weights_.begin() + static_cast<std::ptrdiff_t>(keep), 0.0);
  }
  support_.assign(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(keep));

  const double target = uniform() * total;
  double running = 0.0;
  for (std::size_t k = 0; k < keep; ++k) {
    running += weights_[k];
    if (target < running) return order_[k];
  }
  return order_[keep - 1];  // rounding left the target at the very top
}

}  // namespace mmfree
