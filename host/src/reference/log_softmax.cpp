#include "mmfree/reference/log_softmax.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mmfree::reference {

void log_softmax(std::span<const float> logits, std::span<double> out) {
  if (out.size() != logits.size() || logits.empty())
    throw std::invalid_argument("log_softmax: output length must equal the (non-zero) logits length");
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (float v : logits) sum += std::exp(double(v) - top);
  const double log_normalizer = top + std::log(sum);
  for (std::size_t k = 0; k < logits.size(); ++k) out[k] = double(logits[k]) - log_normalizer;
}

double kl_divergence(std::span<const double> log_p, std::span<const double> log_q) {
  if (log_p.size() != log_q.size()) throw std::invalid_argument("kl_divergence: lengths differ");
  double kl = 0.0;
  for (std::size_t k = 0; k < log_p.size(); ++k) kl += std::exp(log_p[k]) * (log_p[k] - log_q[k]);
  return kl;
}

}  // namespace mmfree::reference
