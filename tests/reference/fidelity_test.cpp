// The reference engine against what the authors' code computed from the same checkpoint
// (assets/.../reference_outputs.json, fp32).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "mmfree/backends.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/reference/reference_engine.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::reference::ReferenceEngine;
using mmfree::test::demo_model;
using mmfree::test::reference_outputs;

double cosine(std::span<const float> a, const std::vector<double>& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    dot += a[k] * b[k];
    na += double(a[k]) * a[k];
    nb += b[k] * b[k];
  }
  return dot / std::sqrt(na * nb);
}

TEST(ReferenceFidelity, ArgmaxMatchesAtEveryPromptPosition) {
  ReferenceEngine engine(demo_model());
  for (const auto& prompt : reference_outputs()["prompts"]) {
    const auto ids = prompt["ids"].get<std::vector<uint32_t>>();
    const auto expected = prompt["argmax_per_position"].get<std::vector<uint32_t>>();
    ASSERT_EQ(ids.size(), expected.size());
    engine.reset();
    for (std::size_t pos = 0; pos < ids.size(); ++pos)
      EXPECT_EQ(mmfree::argmax(engine.step(ids[pos])), expected[pos])
          << "prompt '" << prompt["text"].get<std::string>() << "' position " << pos;
  }
}

TEST(ReferenceFidelity, LastLogitsCosineAtLeast0_9999) {
  ReferenceEngine engine(demo_model());
  for (const auto& prompt : reference_outputs()["prompts"]) {
    const auto ids = prompt["ids"].get<std::vector<uint32_t>>();
    const auto expected = prompt["last_logits"].get<std::vector<double>>();
    engine.reset();
    std::span<const float> logits;
    for (uint32_t id : ids) logits = engine.step(id);
    ASSERT_EQ(logits.size(), expected.size());
    const double c = cosine(logits, expected);
    std::printf("  cosine(last logits) %-36s %.7f\n", prompt["text"].get<std::string>().c_str(), c);
    EXPECT_GE(c, 0.9999) << prompt["text"];
  }
}

TEST(ReferenceFidelity, GreedyContinuationMatchesForAtLeastFourOfFivePrompts) {
  ReferenceEngine engine(demo_model());
  int identical = 0, prompts = 0;
  for (const auto& prompt : reference_outputs()["prompts"]) {
    const auto ids = prompt["ids"].get<std::vector<uint32_t>>();
    const auto expected = prompt["greedy_ids"].get<std::vector<uint32_t>>();
    engine.reset();
    std::span<const float> logits;
    for (uint32_t id : ids) logits = engine.step(id);
    // The recurrent state makes stepping the chosen token the same as recomputing the
    // whole sequence; EOS does not stop it, as in the reference outputs.
    std::vector<uint32_t> generated;
    while (generated.size() < expected.size()) {
      generated.push_back(mmfree::argmax(logits));
      logits = engine.step(generated.back());
    }
    std::size_t agree = 0;
    while (agree < expected.size() && generated[agree] == expected[agree]) ++agree;
    std::printf("  greedy %-36s first %zu of %zu tokens identical\n", prompt["text"].get<std::string>().c_str(),
                agree, expected.size());
    identical += generated == expected;
    ++prompts;
  }
  EXPECT_EQ(prompts, 5);
  EXPECT_GE(identical, 4);
}

TEST(ReferenceFidelity, HeldOutPerplexityWithinHalfPercent) {
  const auto& outputs = reference_outputs();
  const mmfree::Tokenizer tokenizer(demo_model().tokenizer_model());
  const auto tokens = mmfree::heldout_token_stream_from_file(tokenizer, mmfree::test::heldout_text_path(),
                                                             outputs["held_out_tokens"].get<uint64_t>());
  ASSERT_EQ(tokens.size(), outputs["held_out_tokens"].get<uint64_t>());
  // Sequences are independent: two engines score them in parallel, with the serial result.
  const auto result = mmfree::reference::evaluate_next_token_parallel(
      [] { return mmfree::make_engine("reference", demo_model()); }, tokens, 512, 2);
  const double expected = outputs["held_out_ppl"].get<double>();
  std::printf("  held-out perplexity %.4f (authors %.4f, %+.4f%%) over %llu predictions\n", result.perplexity(0),
              expected, 100.0 * (result.perplexity(0) / expected - 1.0),
              static_cast<unsigned long long>(result.predictions));
  EXPECT_EQ(result.predictions, tokens.size() - tokens.size() / 512);
  EXPECT_NEAR(result.perplexity(0), expected, 0.005 * expected);
}

}  // namespace
