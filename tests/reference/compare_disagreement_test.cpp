// The figures of `mmfree compare` (top-1 agreement, mean KL, perplexity) on engines that
// DISAGREE, with logits chosen so that every figure can be computed by hand. The board's
// acceptance test is "100% top-1, KL 0 against golden"; the other suites only ever evaluate
// identical engines, where an evaluation that always reports agreement would also pass.
// Cost: a few microseconds (no model is loaded).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "mmfree/engine.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"

namespace {

// An engine whose logits are a function of the position inside the sequence (the count of
// tokens since it was opened or reset), so the test knows every distribution the evaluation sees.
class ScriptedEngine final : public mmfree::Engine {
 public:
  using Script = std::function<std::vector<float>(std::size_t position)>;
  explicit ScriptedEngine(Script script) : script_(std::move(script)) { config_.vocab_size = 3; }
  std::string_view name() const override { return "scripted"; }
  const mmfree::ModelConfig& config() const override { return config_; }
  unsigned max_sequences() const override { return 16; }
  mmfree::SequenceId open_sequence() override {
    positions_[next_id_] = 0;
    return mmfree::SequenceId{next_id_++};
  }
  void reset_sequence(mmfree::SequenceId s) override { positions_.at(static_cast<uint32_t>(s)) = 0; }
  void close_sequence(mmfree::SequenceId s) override { positions_.erase(static_cast<uint32_t>(s)); }

 protected:
  bool is_open(mmfree::SequenceId s) const override { return positions_.contains(static_cast<uint32_t>(s)); }
  mmfree::DecodeResult run_batch(std::span<const mmfree::SequenceInput> batch, mmfree::Counters) override {
    mmfree::DecodeResult result;
    for (const auto& input : batch) {
      mmfree::SequenceOutput out;
      out.sequence = input.sequence;
      out.vocab_size = config_.vocab_size;
      const std::size_t n = input.tokens.size();
      out.first_position = input.outputs == mmfree::Outputs::All ? 0 : input.outputs == mmfree::Outputs::Last ? n - 1 : n;
      std::size_t& position = positions_.at(static_cast<uint32_t>(input.sequence));
      for (std::size_t k = 0; k < n; ++k) {
        const auto logits = script_(position++);
        if (k < out.first_position) continue;
        out.argmax.push_back(static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
        if (input.kind == mmfree::OutputKind::Logits) out.logits.insert(out.logits.end(), logits.begin(), logits.end());
      }
      result.outputs.push_back(std::move(out));
    }
    return result;
  }

 private:
  Script script_;
  mmfree::ModelConfig config_;
  std::map<uint32_t, std::size_t> positions_;
  uint32_t next_id_ = 0;
};

// Over a vocabulary of 3, with a = ln 2 rounded to float (the expected figures use the rounded
// value, so they hold to double precision): p = (1, e^a, 1) / Z ~ (1/4, 1/2, 1/4) has argmax 1;
// q = (e^a, 1, 1) / Z ~ (1/2, 1/4, 1/4) has argmax 0; Z = 2 + e^a for both.
// KL(p || q) = p_0 (0 - a) + p_1 (a - 0) = a (e^a - 1) / Z ~ ln(2) / 4.
const float kA = static_cast<float>(std::log(2.0));
const double kZ = 2.0 + std::exp(double(kA));
const double kLogBig = double(kA) - std::log(kZ);  // ~ ln(1/2)
const double kLogSmall = -std::log(kZ);            // ~ ln(1/4)
const std::vector<float> kBaselineLogits = {0.0f, kA, 0.0f};
const std::vector<float> kDisagreeingLogits = {kA, 0.0f, 0.0f};
const double kKlOfOneDisagreement = double(kA) * (std::exp(double(kA)) - 1.0) / kZ;

// Two sequences of 4 tokens (3 predictions each); the targets are the next tokens.
const std::vector<uint32_t> kTokens = {0, 1, 2, 1, /* second sequence */ 0, 0, 1, 2};
constexpr uint32_t kSequence = 4;

TEST(CompareDisagreement, OneDisagreeingPositionPerSequenceIsCountedAndItsKlSummed) {
  ScriptedEngine baseline([](std::size_t) { return kBaselineLogits; });
  // Disagrees at the second position of every sequence, so the count also shows that reset()
  // starts each sequence over.
  ScriptedEngine other([](std::size_t pos) { return pos == 1 ? kDisagreeingLogits : kBaselineLogits; });
  mmfree::Engine* engines[] = {&baseline, &other};
  const auto eval = mmfree::reference::evaluate_next_token(engines, kTokens, kSequence);
  ASSERT_EQ(eval.predictions, 6u);
  EXPECT_EQ(eval.engines[1].top1_agreements, 4u);
  EXPECT_DOUBLE_EQ(eval.top1_agreement(1), 4.0 / 6.0);
  EXPECT_NEAR(eval.engines[1].kl_sum, 2 * kKlOfOneDisagreement, 1e-12);
  EXPECT_NEAR(eval.mean_kl(1), 2 * kKlOfOneDisagreement / 6.0, 1e-12);
  // The baseline agrees with itself by definition and has no KL.
  EXPECT_EQ(eval.top1_agreement(0), 1.0);
  EXPECT_EQ(eval.mean_kl(0), 0.0);

  // Perplexities by hand. Targets of sequence 1: 1, 2, 1; of sequence 2: 0, 1, 2.
  // Baseline: p(1) = 1/2, p(0) = p(2) = 1/4 everywhere.
  const double baseline_nll = -(kLogBig + kLogSmall + kLogBig) - (kLogSmall + kLogBig + kLogSmall);
  // Other: q at position 1 (targets 2 then 1: 1/4 each), p elsewhere.
  const double other_nll = -(kLogBig + kLogSmall + kLogBig) - (kLogSmall + kLogSmall + kLogSmall);
  EXPECT_NEAR(eval.engines[0].nll_sum, baseline_nll, 1e-12);
  EXPECT_NEAR(eval.engines[1].nll_sum, other_nll, 1e-12);
  EXPECT_NEAR(eval.perplexity(1), std::exp(other_nll / 6), 1e-12);
}

TEST(CompareDisagreement, AUniformlyScaledLogitVectorKeepsTop1ButNotKl) {
  // logits x 2 (a scaled-logit bug): the argmax is unchanged, the distribution is not.
  // p = (1, e^a, 1) / Z ~ (1,2,1)/4; q = (1, e^2a, 1) / Z2 ~ (1,4,1)/6, Z2 = 2 + e^2a.
  // KL(p || q) = ln(Z2 / Z) - a e^a / Z ~ 1/2 ln(3/2) + 1/2 ln(3/4).
  ScriptedEngine baseline([](std::size_t) { return kBaselineLogits; });
  ScriptedEngine scaled([](std::size_t) {
    auto l = kBaselineLogits;
    for (float& v : l) v *= 2.0f;
    return l;
  });
  mmfree::Engine* engines[] = {&baseline, &scaled};
  const auto eval = mmfree::reference::evaluate_next_token(engines, kTokens, kSequence);
  const double z2 = 2.0 + std::exp(2.0 * double(kA));
  const double kl_per_position = std::log(z2 / kZ) - double(kA) * std::exp(double(kA)) / kZ;
  EXPECT_EQ(eval.top1_agreement(1), 1.0);
  EXPECT_NEAR(eval.mean_kl(1), kl_per_position, 1e-12);
  EXPECT_GT(eval.mean_kl(1), 0.05);
}

TEST(CompareDisagreement, KlIsMeasuredFromTheFirstBackend) {
  // KL is not symmetric, so the direction shows: p = (1/2, 1/2, e^-40 / 2) against the uniform
  // q = (1/3, 1/3, 1/3): KL(p || q) = ln(3/2) (+ ~1e-16); KL(q || p) = ln(2/3) + 40/3.
  const std::vector<float> two_way = {0.0f, 0.0f, -40.0f};
  const std::vector<float> uniform = {0.0f, 0.0f, 0.0f};
  ScriptedEngine peaked([&](std::size_t) { return two_way; });
  ScriptedEngine flat([&](std::size_t) { return uniform; });
  mmfree::Engine* peaked_first[] = {&peaked, &flat};
  const auto eval = mmfree::reference::evaluate_next_token(peaked_first, kTokens, kSequence);
  EXPECT_NEAR(eval.mean_kl(1), std::log(1.5), 1e-12);
  mmfree::Engine* flat_first[] = {&flat, &peaked};
  const auto reversed = mmfree::reference::evaluate_next_token(flat_first, kTokens, kSequence);
  EXPECT_NEAR(reversed.mean_kl(1), std::log(2.0 / 3.0) + 40.0 / 3.0, 1e-9);
}

}  // namespace
