// Natural-log probabilities from logits, in double so that perplexities and KL
// divergences summed over 65k predictions do not drift.
#pragma once

#include <span>

namespace mmfree::reference {

// out[k] = logits[k] - logsumexp(logits). `out` must have the length of `logits`.
void log_softmax(std::span<const float> logits, std::span<double> out);

// KL(p || q) = sum_k p_k (log p_k - log q_k) for two log-probability vectors of equal length.
double kl_divergence(std::span<const double> log_p, std::span<const double> log_q);

}  // namespace mmfree::reference
