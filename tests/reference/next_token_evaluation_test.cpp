// The held-out scoring loop: sequence cutting, NLL, top-1 agreement and KL across engines.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mmfree/error.hpp"
#include "mmfree/reference/log_softmax.hpp"
#include "mmfree/backends.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/reference/reference_engine.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::reference::ReferenceEngine;
using mmfree::test::demo_model;

std::vector<uint32_t> heldout_prefix(uint64_t tokens) {
  const mmfree::Tokenizer tokenizer(demo_model().tokenizer_model());
  return mmfree::heldout_token_stream_from_file(tokenizer, mmfree::test::heldout_text_path(), tokens);
}

TEST(LogSoftmax, NormalizesAndKlOfIdenticalIsZero) {
  const std::vector<float> logits = {1.0f, 2.0f, 3.0f, -50.0f};
  std::vector<double> lp(logits.size());
  mmfree::reference::log_softmax(logits, lp);
  double total = 0;
  for (double v : lp) total += std::exp(v);
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_NEAR(lp[2] - lp[1], 1.0, 1e-12);
  EXPECT_EQ(mmfree::reference::kl_divergence(lp, lp), 0.0);
  const std::vector<float> other = {3.0f, 2.0f, 1.0f, -50.0f};
  std::vector<double> lq(other.size());
  mmfree::reference::log_softmax(other, lq);
  EXPECT_GT(mmfree::reference::kl_divergence(lp, lq), 0.1);
}

TEST(NextTokenEvaluation, MatchesAStepByStepComputation) {
  const auto tokens = heldout_prefix(7);  // sequences of 3: [0,1,2] [3,4,5] [6]
  const auto engine = mmfree::make_engine("reference", demo_model());
  mmfree::Engine* engines[] = {engine.get()};
  const auto result = mmfree::reference::evaluate_next_token(engines, tokens, 3);
  EXPECT_EQ(result.predictions, 4u);

  ReferenceEngine manual(demo_model());
  double nll = 0;
  for (std::size_t begin : {0, 3}) {
    manual.reset();
    for (std::size_t pos = begin; pos < begin + 2; ++pos) {
      const auto logits = manual.step(tokens[pos]);
      std::vector<double> lp(logits.size());
      mmfree::reference::log_softmax(logits, lp);
      nll -= lp[tokens[pos + 1]];
    }
  }
  EXPECT_NEAR(result.engines[0].nll_sum, nll, 1e-9 * nll);
  EXPECT_NEAR(result.perplexity(0), std::exp(nll / 4), 1e-9 * std::exp(nll / 4));
}

TEST(NextTokenEvaluation, IdenticalEnginesAgreeEverywhere) {
  const auto tokens = heldout_prefix(300);
  const auto a = mmfree::make_engine("reference", demo_model()), b = mmfree::make_engine("reference", demo_model());
  mmfree::Engine* engines[] = {a.get(), b.get()};
  const auto result = mmfree::reference::evaluate_next_token(engines, tokens, 128);
  EXPECT_EQ(result.predictions, 127u + 127u + 43u);
  EXPECT_EQ(result.top1_agreement(1), 1.0);
  EXPECT_EQ(result.mean_kl(1), 0.0);
  EXPECT_EQ(result.engines[0].nll_sum, result.engines[1].nll_sum);
}

TEST(NextTokenEvaluation, ParallelRunEqualsTheSerialRunExactly) {
  const auto tokens = heldout_prefix(1500);
  const auto engine = mmfree::make_engine("reference", demo_model());
  mmfree::Engine* engines[] = {engine.get()};
  const auto serial = mmfree::reference::evaluate_next_token(engines, tokens, 256);
  uint64_t fed = 0;
  const auto parallel = mmfree::reference::evaluate_next_token_parallel(
      [] { return mmfree::make_engine("reference", demo_model()); }, tokens, 256, 3,
      [&](uint64_t n) { fed += n; });
  EXPECT_EQ(fed, tokens.size());
  EXPECT_EQ(parallel.predictions, serial.predictions);
  EXPECT_EQ(parallel.engines[0].nll_sum, serial.engines[0].nll_sum);
}

TEST(NextTokenEvaluation, RejectsDegenerateInputs) {
  const auto engine = mmfree::make_engine("reference", demo_model());
  mmfree::Engine* engines[] = {engine.get()};
  const std::vector<uint32_t> tokens = {1, 349, 448};
  EXPECT_THROW(mmfree::reference::evaluate_next_token(engines, tokens, 1), mmfree::UsageError);
  EXPECT_THROW(mmfree::reference::evaluate_next_token({}, tokens, 4), mmfree::UsageError);
  EXPECT_THROW(mmfree::reference::evaluate_next_token(engines, std::vector<uint32_t>{1}, 4), mmfree::UsageError);
}

}  // namespace
