// Section 3.4 - 3.5: the sigmoid table with symmetry and saturation, and SiLU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

double sigma(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double from_a(int32_t a) { return a / 65536.0; }

TEST(Sigmoid, TableMatchesItsFormulaAndHasNoNearTies) {
  // An entry within 1e-6 of a rounding tie could come out differently from another libm's
  // exp(); none is, so any IEEE double implementation of the formula yields these words.
  const auto& table = sigmoid_tail_table();
  EXPECT_EQ(table.front(), 1u << 23);
  EXPECT_EQ(table.back(), 2u);
  for (int j = 0; j <= kSigmoidSegments; ++j) {
    const double exact = 16777216.0 / (1.0 + std::exp(j / 64.0));
    ASSERT_LE(std::fabs(table[j] - exact), 0.5) << j;
    ASSERT_GT(std::fabs(exact - std::floor(exact) - 0.5), 1e-6) << "near-tie at entry " << j;
    if (j > 0) {
      ASSERT_LE(table[j], table[j - 1]);
    }
  }
}

TEST(Sigmoid, AbsoluteAndTailErrorOverTheWholeRange) {
  double worst_abs = 0, worst_tail_rel = 0;
  for (int64_t z = -(int64_t{20} << 16); z <= (int64_t{20} << 16); z += 7) {
    const auto zi = static_cast<int32_t>(z);
    const double got = sigmoid_g(zi) / 16777216.0;
    worst_abs = std::max(worst_abs, std::fabs(got - sigma(from_a(zi))));
    // The complement 1 - sigma(z) for z >= 2, where 1 - f of the forget gate lives: relative
    // interpolation error (1/64)^2/8 plus one 2^-24 step (table and interpolation roundings).
    if (z >= (2 << 16)) {
      const double complement = (kGateOne - sigmoid_g(zi)) / 16777216.0;
      const double exact = sigma(-from_a(zi));
      const double err = std::fabs(complement - exact);
      // Beyond the table (z >= 16) the held value 2^-23 is within two steps of any tail value.
      const double bound = z >= (16 << 16) ? 2.0 / 16777216.0 : 3.1e-5 * exact + 1.0 / 16777216.0;
      ASSERT_LE(err, bound) << from_a(zi);
      if (z <= (8 << 16)) worst_tail_rel = std::max(worst_tail_rel, err / exact);
    }
  }
  std::printf("  sigmoid: worst absolute error %.3g, worst relative error of 1-sigma on [2,8] %.3g\n",
              worst_abs, worst_tail_rel);
  EXPECT_LE(worst_abs, 3.5e-6);  // interpolation bound 3e-6 plus half a 2^-24 step
  EXPECT_LE(worst_tail_rel, 2e-4);  // at z = 8 one 2^-24 step is 1.8e-4 of 1 - sigma
}

TEST(Sigmoid, ExactSymmetryAndSaturation) {
  std::mt19937 rng(29);
  for (int n = 0; n < 200000; ++n) {
    const int32_t z = sat32(static_cast<int32_t>(rng()));
    ASSERT_EQ(sigmoid_g(-z), kGateOne - sigmoid_g(z)) << z;
  }
  EXPECT_EQ(sigmoid_g(0), 1u << 23);
  EXPECT_EQ(sigmoid_g(16 << 16), kGateOne - 2);
  EXPECT_EQ(sigmoid_g(kActMax), kGateOne - 2);
  EXPECT_EQ(sigmoid_g(-kActMax), 2u);
  EXPECT_EQ(sigmoid_g((16 << 16) - 1), kGateOne - 2);  // continuous into the saturated region
}

TEST(Silu, ErrorWithinOneStepPlusTableError) {
  double worst = 0;
  for (int64_t z = -(int64_t{40} << 16); z <= (int64_t{40} << 16); z += 13) {
    const auto zi = static_cast<int32_t>(z);
    const double x = from_a(zi);
    const double err = std::fabs(from_a(silu_a(zi)) - x * sigma(x));
    // Rounding to A (half a step) plus |z| times the sigmoid's absolute error.
    ASSERT_LE(err, 0.5 / 65536 + std::fabs(x) * 3.5e-6 + 1e-12) << x;
    worst = std::max(worst, err);
  }
  std::printf("  silu: worst absolute error on [-40, 40]: %.3g\n", worst);
  EXPECT_EQ(silu_a(0), 0);
  // At the ends of A: sigma is held at 1 - 2^-23, so silu(max) = max - 256 and silu(-max) = -256.
  EXPECT_NEAR(silu_a(kActMax), kActMax - 256.0, 1.0);
  EXPECT_NEAR(silu_a(-kActMax), -256.0, 1.0);
}

}  // namespace
