// The golden backend at the widths of the released checkpoints (d = 2560, I = 6912: the
// longest reductions and largest ternary sums), and with use_lower_bound off, on synthetic
// checkpoints (random, untrained weights) against the float reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mmfree/golden/golden_engine.hpp"
#include "mmfree/reference/reference_engine.hpp"
#include "support/synthetic_model.hpp"

namespace {

double cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    dot += double(a[k]) * b[k];
    na += double(a[k]) * a[k];
    nb += double(b[k]) * b[k];
  }
  return dot / std::sqrt(na * nb);
}

// Random, untrained weights leave no margin between int8 rounding levels, so they react more to
// the golden arithmetic's ~1e-5 relative errors than the trained demo (cosine 0.9999 there,
// 0.9988 ... 0.9992 measured here). The bound catches what these checkpoints exist for:
// overflow or saturation at the longest reductions, or the lower-bound switch mishandled.
constexpr double kMinCosine = 0.995;

// Steps both engines through the same tokens and returns the worst logits cosine.
double worst_cosine(const mmfree::Model& model, const std::vector<uint32_t>& tokens) {
  mmfree::reference::ReferenceEngine reference(model);
  mmfree::golden::GoldenEngine golden(model);
  double worst = 1.0;
  for (uint32_t id : tokens) {
    const auto r = reference.step(id);
    const std::vector<float> ref(r.begin(), r.end());
    const auto g = golden.step(id);
    for (float v : g) EXPECT_TRUE(std::isfinite(v));
    worst = std::min(worst, cosine(ref, g));
  }
  EXPECT_EQ(golden.saturations(), 0u);
  return worst;
}

TEST(GoldenReleasedWidths, TwoPointSevenBWidthsAgreeWithReference) {
  mmfree::model::SyntheticCheckpoint spec;
  spec.config.hidden_size = 2560;       // 2.7B
  spec.config.intermediate_size = 6912;  // 2.7B
  spec.config.num_layers = 1;
  spec.config.vocab_size = 256;
  const mmfree::Model model = mmfree::test::synthetic_model(spec);
  const double worst = worst_cosine(model, {1, 17, 200, 3, 255, 42});
  std::printf("  d=2560 I=6912: worst logits cosine golden vs reference over 6 tokens %.6f\n", worst);
  EXPECT_GE(worst, kMinCosine);
}

TEST(GoldenReleasedWidths, WithoutLowerBounds) {
  mmfree::model::SyntheticCheckpoint spec;
  spec.config.hidden_size = 128;
  spec.config.intermediate_size = 384;
  spec.config.num_layers = 3;
  spec.config.vocab_size = 300;
  spec.config.use_lower_bound = false;
  const mmfree::Model model = mmfree::test::synthetic_model(spec);
  ASSERT_FALSE(model.config().use_lower_bound);
  const double worst = worst_cosine(model, {1, 5, 299, 77, 150, 2, 9, 9});
  std::printf("  no lower bounds: worst logits cosine golden vs reference over 8 tokens %.6f\n", worst);
  EXPECT_GE(worst, kMinCosine);
}

}  // namespace
