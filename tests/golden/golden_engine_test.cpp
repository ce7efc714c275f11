// The golden backend on the bundled demo model: fidelity against the float reference on the
// held-out text (docs/model-spec.md rule), against the authors' outputs, and its contract.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "mmfree/backends.hpp"
#include "mmfree/error.hpp"
#include "mmfree/golden/golden_engine.hpp"
#include "mmfree/looped_engine.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/reference/reference_engine.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {

// A stepper that forwards to one the test owns and reads afterwards.
class BorrowedStepper final : public SequenceStepper {
 public:
  explicit BorrowedStepper(SequenceStepper& stepper) : stepper_(stepper) {}
  void reset() override { stepper_.reset(); }
  std::span<const float> step(uint32_t token) override { return stepper_.step(token); }
  std::string_view name() const override { return stepper_.name(); }

 private:
  SequenceStepper& stepper_;
};

}  // namespace mmfree::test

namespace {

using mmfree::golden::GoldenEngine;
using mmfree::test::demo_model;

// The first 16,384 tokens of the held-out stream: 32 sequences of 512, a quarter of the
// 65,536 used for docs/numerics.md's figures, to keep the suite short.
constexpr uint64_t kHeldoutTokens = 16384;

TEST(GoldenFidelity, HeldOutTop1AgreementAndPerplexityRatio) {
  const mmfree::Tokenizer tokenizer(demo_model().tokenizer_model());
  const auto tokens =
      mmfree::heldout_token_stream_from_file(tokenizer, mmfree::test::heldout_text_path(), kHeldoutTokens);
  ASSERT_EQ(tokens.size(), kHeldoutTokens);
  const auto reference = mmfree::make_engine("reference", demo_model());
  // The golden engine's one sequence steps this GoldenEngine, so its saturations can be read.
  GoldenEngine golden(demo_model());
  const auto golden_engine = mmfree::make_looped_engine("golden", demo_model(), [&golden] {
    return std::make_unique<mmfree::test::BorrowedStepper>(golden);
  });
  mmfree::Engine* engines[] = {reference.get(), golden_engine.get()};
  const auto eval = mmfree::reference::evaluate_next_token(engines, tokens, 512);
  const double ratio = eval.perplexity(1) / eval.perplexity(0);
  EXPECT_EQ(golden.saturations(), 0u) << "format A overflowed on the demo model";
  std::printf("  %llu predictions: reference ppl %.4f, golden ppl %.4f (ratio %.5f), top-1 agreement %.3f%%, "
              "mean KL %.3g\n",
              static_cast<unsigned long long>(eval.predictions), eval.perplexity(0), eval.perplexity(1), ratio,
              100.0 * eval.top1_agreement(1), eval.mean_kl(1));
  // Bounds from the achieved figures (16,352 predictions, golden bit-exact and deterministic;
  // the float reference may move by a few ULPs with the compiler): top-1 98.080%, ratio 1.00039,
  // mean KL 7.29e-4. Margins: top-1 0.3 points (~50 predictions); the ratio's distance from 1
  // about 4x (a 0.15% perplexity regression fails); KL 1.5x. KL must be above 0: the engines
  // differ (fixed point against float), so an evaluation reporting 0 is broken.
  EXPECT_GE(eval.top1_agreement(1), 0.978);
  EXPECT_LT(eval.top1_agreement(1), 1.0);
  EXPECT_LE(ratio, 1.0015);
  EXPECT_GE(ratio, 0.9995);
  EXPECT_LE(eval.mean_kl(1), 1.1e-3);
  EXPECT_GT(eval.mean_kl(1), 0.0);
}

TEST(GoldenFidelity, AgainstTheAuthorsOutputs) {
  GoldenEngine golden(demo_model());
  std::size_t positions = 0, agree = 0;
  for (const auto& prompt : mmfree::test::reference_outputs()["prompts"]) {
    const auto ids = prompt["ids"].get<std::vector<uint32_t>>();
    const auto argmax = prompt["argmax_per_position"].get<std::vector<uint32_t>>();
    const auto last = prompt["last_logits"].get<std::vector<double>>();
    golden.reset();
    std::span<const float> logits;
    for (std::size_t pos = 0; pos < ids.size(); ++pos) {
      logits = golden.step(ids[pos]);
      const bool same = mmfree::argmax(logits) == argmax[pos];
      const std::string text = prompt["text"].get<std::string>();
      if (!same) std::printf("  argmax differs from the authors': %s, position %zu\n", text.c_str(), pos);
      // The one position where the golden argmax differs from the authors' (achieved): any other
      // position that differs is a regression.
      const bool the_known_divergence = text == "The results of the experiment" && pos == 6;
      EXPECT_TRUE(same || the_known_divergence) << "'" << text << "' position " << pos;
      agree += same;
      ++positions;
    }
    double dot = 0, na = 0, nb = 0, max_abs_difference = 0;
    for (std::size_t k = 0; k < last.size(); ++k) {
      dot += logits[k] * last[k];
      na += double(logits[k]) * logits[k];
      nb += last[k] * last[k];
      max_abs_difference = std::max(max_abs_difference, std::abs(double(logits[k]) - last[k]));
    }
    const double cosine = dot / std::sqrt(na * nb);
    // The cosine ignores a uniform scale of the logits; the norm ratio does not.
    const double norm_ratio = std::sqrt(na / nb);
    std::printf("  golden last logits vs authors' %-36s cosine %.6f, norm ratio %.5f, max |dlogit| %.4f\n",
                prompt["text"].get<std::string>().c_str(), cosine, norm_ratio, max_abs_difference);
    // Achieved (demo model, five prompts): cosine >= 0.999912, norm ratio 0.99831 .. 1.00594,
    // max |dlogit| <= 0.1794. Bounds: 1 - cosine within ~2x of the worst (8.8e-5 -> 2e-4), and 2x
    // the worst norm deviation and |dlogit| (a logit scale of 1.2% fails).
    EXPECT_GE(cosine, 0.9998) << prompt["text"];
    EXPECT_NEAR(norm_ratio, 1.0, 0.012) << prompt["text"];
    EXPECT_LE(max_abs_difference, 0.36) << prompt["text"];
  }
  // Achieved: 30 of 31, the divergence named above; not the 10% the bound allowed before.
  std::printf("  argmax agreement with the authors at every prompt position: %zu of %zu\n", agree, positions);
  EXPECT_GE(agree + 1, positions);
}

TEST(GoldenEngine, DeterministicAcrossResetAndFloatLogitsAreTheFixedOnes) {
  GoldenEngine a(demo_model()), b(demo_model());
  const std::vector<uint32_t> ids = {1, 450, 3000, 17, 4095, 2, 0, 999};
  for (uint32_t id : ids) a.step(id);
  // A reset engine against a fresh one, token by token: identical bits.
  a.reset();
  for (uint32_t id : ids) {
    const auto fa = a.step_fixed(id);
    const std::vector<int32_t> copy(fa.begin(), fa.end());
    const auto fb = b.step(id);
    ASSERT_EQ(copy.size(), fb.size());
    for (std::size_t j = 0; j < copy.size(); ++j) ASSERT_EQ(fb[j], static_cast<float>(copy[j]) / 65536.0f) << j;
    for (uint32_t l = 0; l < demo_model().config().num_layers; ++l)
      ASSERT_TRUE(std::ranges::equal(a.state(l), b.state(l))) << "layer " << l;
  }
}

TEST(GoldenEngine, StateStartsAtZeroAndStaysFarFromSaturation) {
  GoldenEngine golden(demo_model());
  for (uint32_t l = 0; l < demo_model().config().num_layers; ++l)
    for (int32_t h : golden.state(l)) ASSERT_EQ(h, 0);
  const mmfree::Tokenizer tokenizer(demo_model().tokenizer_model());
  const auto tokens = tokenizer.encode("The jury said it did find that many of the registration practices were poor");
  int32_t largest = 0;
  for (uint32_t id : tokens) {
    golden.step(id);
    for (uint32_t l = 0; l < demo_model().config().num_layers; ++l)
      for (int32_t h : golden.state(l)) largest = std::max(largest, std::abs(h));
  }
  EXPECT_GT(largest, 0);
  EXPECT_LT(largest, 1 << 24);  // |h| < 256, far inside the A range (docs/numerics.md section 7)
  EXPECT_EQ(golden.saturations(), 0u);
}

TEST(GoldenEngine, RejectsOutOfRangeTokens) {
  GoldenEngine golden(demo_model());
  EXPECT_THROW(golden.step(demo_model().config().vocab_size), mmfree::UsageError);
  EXPECT_THROW(golden.step_fixed(0xFFFFFFFFu), mmfree::UsageError);
  EXPECT_EQ(golden.name(), "golden");
}

TEST(GoldenEngine, IsRegisteredInTheFactory) {
  const auto engine = mmfree::make_engine("golden", demo_model());
  EXPECT_EQ(engine->name(), "golden");
  GoldenEngine direct(demo_model());
  mmfree::Sequence sequence(*engine);
  const auto a = sequence.step(1);
  const std::vector<float> copy(a.begin(), a.end());
  const auto b = direct.step(1);
  EXPECT_TRUE(std::ranges::equal(copy, b));
}

}  // namespace
