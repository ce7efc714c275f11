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
  EXPECT_GE(eval.top1_agreement(1), 0.97);
  EXPECT_LE(ratio, 1.02);
  EXPECT_GE(ratio, 1.0 / 1.02);
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
      agree += mmfree::argmax(logits) == argmax[pos];
      ++positions;
    }
    double dot = 0, na = 0, nb = 0;
    for (std::size_t k = 0; k < last.size(); ++k) {
      dot += logits[k] * last[k];
      na += double(logits[k]) * logits[k];
      nb += last[k] * last[k];
    }
    const double cosine = dot / std::sqrt(na * nb);
    std::printf("  cosine(golden last logits, authors') %-36s %.6f\n", prompt["text"].get<std::string>().c_str(),
                cosine);
    EXPECT_GE(cosine, 0.995) << prompt["text"];
  }
  std::printf("  argmax agreement with the authors at every prompt position: %zu of %zu\n", agree, positions);
  EXPECT_GE(agree * 100, positions * 90);
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
