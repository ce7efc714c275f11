// Scoring next-token predictions over a token stream by the held-out rule of
// docs/model-spec.md: the stream is cut into sequences of `sequence_length` tokens, every
// engine starts each sequence from a zero state, and every next-token prediction inside a
// sequence counts. Several engines are fed the same tokens in one pass, so they can be
// compared position by position against the first (the baseline).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "mmfree/engine.hpp"

namespace mmfree::reference {

struct EngineScore {
  double nll_sum = 0.0;          // sum of -log p(next token)
  uint64_t top1_agreements = 0;  // argmax equal to the baseline's argmax (baseline: all)
  double kl_sum = 0.0;           // sum of KL(baseline || this engine) (baseline: 0)
};

struct NextTokenEvaluation {
  uint64_t predictions = 0;
  std::vector<EngineScore> engines;  // in the order given; [0] is the baseline

  double mean_nll(std::size_t engine) const;
  double perplexity(std::size_t engine) const;
  double top1_agreement(std::size_t engine) const;  // fraction in [0, 1]
  double mean_kl(std::size_t engine) const;
};

// `on_tokens_fed(n)` is called as the tokens are consumed (for a progress bar).
// Throws UsageError when there are no engines, sequence_length < 2 or the stream has no
// prediction to score.
NextTokenEvaluation evaluate_next_token(std::span<Engine* const> engines, std::span<const uint32_t> tokens,
                                        uint32_t sequence_length,
                                        const std::function<void(uint64_t)>& on_tokens_fed = {});

// One backend, its sequences spread over `workers` threads, each with its own engine from
// `make_engine` (so only for backends that can be instantiated several times, like the CPU
// ones). Per-sequence sums are added in sequence order: the result is identical, bit for
// bit, to evaluate_next_token on one engine. `on_tokens_fed` is called from one thread at a time.
NextTokenEvaluation evaluate_next_token_parallel(const std::function<std::unique_ptr<Engine>()>& make_engine,
                                                 std::span<const uint32_t> tokens, uint32_t sequence_length,
                                                 unsigned workers,
                                                 const std::function<void(uint64_t)>& on_tokens_fed = {});

// One engine, `batch` sequences of the stream at a time: each decode() call feeds the next
// positions of every sequence of the group (a device runs them as one batch of commands; a
// kernel that shares weight passes between sequences serves them with one). Opens at most
// min(batch, engine.max_sequences()) sequences. Per-sequence sums are added in sequence order:
// the result is identical, bit for bit, to evaluate_next_token on the same engine.
NextTokenEvaluation evaluate_next_token_batched(Engine& engine, std::span<const uint32_t> tokens,
                                                uint32_t sequence_length, unsigned batch,
                                                const std::function<void(uint64_t)>& on_tokens_fed = {});

}  // namespace mmfree::reference
