#include "mmfree/reference/next_token_evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/reference/log_softmax.hpp"
#include "mmfree/sampling/sampler.hpp"

namespace mmfree::reference {

double NextTokenEvaluation::mean_nll(std::size_t engine) const {
  return predictions == 0 ? 0.0 : engines.at(engine).nll_sum / double(predictions);
}
double NextTokenEvaluation::perplexity(std::size_t engine) const { return std::exp(mean_nll(engine)); }
double NextTokenEvaluation::top1_agreement(std::size_t engine) const {
  return predictions == 0 ? 0.0 : double(engines.at(engine).top1_agreements) / double(predictions);
}
double NextTokenEvaluation::mean_kl(std::size_t engine) const {
  return predictions == 0 ? 0.0 : engines.at(engine).kl_sum / double(predictions);
}

NextTokenEvaluation evaluate_next_token(std::span<Engine* const> engines, std::span<const uint32_t> tokens,
                                        uint32_t sequence_length,
                                        const std::function<void(uint64_t)>& on_tokens_fed) {
  if (engines.empty()) throw UsageError("no backend to evaluate");
  if (sequence_length < 2)
    throw UsageError("sequence length must be at least 2 (got " + std::to_string(sequence_length) + ")");
  if (tokens.size() < 2) throw UsageError("the text gives fewer than 2 tokens: nothing to predict");

  NextTokenEvaluation result;
  result.engines.resize(engines.size());
  std::vector<std::vector<double>> log_probs(engines.size());
  std::vector<uint32_t> argmaxes(engines.size());

  for (std::size_t begin = 0; begin < tokens.size(); begin += sequence_length) {
    const std::size_t end = std::min(tokens.size(), begin + sequence_length);
    for (Engine* e : engines) e->reset();
    // Feeding tokens[pos] predicts tokens[pos + 1]; the last token of a sequence predicts nothing.
    for (std::size_t pos = begin; pos + 1 < end; ++pos) {
      for (std::size_t k = 0; k < engines.size(); ++k) {
        const auto logits = engines[k]->step(tokens[pos]);
        log_probs[k].resize(logits.size());
        log_softmax(logits, log_probs[k]);
        argmaxes[k] = argmax(logits);
      }
      const uint32_t target = tokens[pos + 1];
      for (std::size_t k = 0; k < engines.size(); ++k) {
        auto& score = result.engines[k];
        if (target >= log_probs[k].size())
          throw UsageError("token id " + std::to_string(target) + " is out of range for backend '" +
                           std::string(engines[k]->name()) + "'");
        score.nll_sum -= log_probs[k][target];
        if (argmaxes[k] == argmaxes[0]) ++score.top1_agreements;
        if (k != 0) score.kl_sum += kl_divergence(log_probs[0], log_probs[k]);
      }
      ++result.predictions;
    }
    if (on_tokens_fed) on_tokens_fed(end - begin);
  }
  if (result.predictions == 0) throw UsageError("no next-token prediction to score (sequences of one token)");
  return result;
}

}  // namespace mmfree::reference
