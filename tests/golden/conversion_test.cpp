// Section 2 of docs/numerics.md: float32 parameters to fixed point and to scale floats.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

// The definition in exact double arithmetic: round half away from zero, then saturate.
int64_t expected_fixed(float f, int frac_bits) {
  const double scaled = std::ldexp(static_cast<double>(f), frac_bits);  // exact
  const double rounded = std::round(scaled);                            // half away from zero
  if (rounded > kActMax) return kActMax;
  if (rounded < -kActMax) return -kActMax;
  return static_cast<int64_t>(rounded);
}

TEST(ToFixed, MatchesExactRoundingOnRandomFloatsOfEveryMagnitude) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits;
  int checked = 0;
  for (int n = 0; n < 400000; ++n) {
    const float f = std::bit_cast<float>(bits(rng));
    if (!std::isfinite(f)) continue;
    for (int frac : {16, 24}) ASSERT_EQ(to_fixed(f, frac), expected_fixed(f, frac)) << f << " frac " << frac;
    ++checked;
  }
  EXPECT_GT(checked, 390000);
}

TEST(ToFixed, TiesRoundAwayFromZero) {
  // 1.5 and 2.5 units of 2^-16: halfway cases go away from zero on both signs.
  EXPECT_EQ(to_fixed(std::ldexp(1.5f, -16), 16), 2);
  EXPECT_EQ(to_fixed(std::ldexp(2.5f, -16), 16), 3);
  EXPECT_EQ(to_fixed(-std::ldexp(1.5f, -16), 16), -2);
  EXPECT_EQ(to_fixed(-std::ldexp(2.5f, -16), 16), -3);
  EXPECT_EQ(to_fixed(std::ldexp(0.5f, -16), 16), 1);
  EXPECT_EQ(to_fixed(std::ldexp(0.49999997f, -16), 16), 0);
}

TEST(ToFixed, ZeroDenormalsSaturationAndInfinity) {
  EXPECT_EQ(to_fixed(0.0f, 16), 0);
  EXPECT_EQ(to_fixed(-0.0f, 16), 0);
  EXPECT_EQ(to_fixed(std::numeric_limits<float>::denorm_min(), 16), 0);
  EXPECT_EQ(to_fixed(1.0f, 16), 65536);
  EXPECT_EQ(to_fixed(1.0f, 24), 1 << 24);
  EXPECT_EQ(to_fixed(-1.0f, 16), -65536);
  EXPECT_EQ(to_fixed(32768.0f - 1.0f / 512, 16), 2147483520);  // the largest float below the range
  EXPECT_EQ(to_fixed(32768.0f, 16), kActMax);
  EXPECT_EQ(to_fixed(-32768.0f, 16), -kActMax);  // symmetric: never -2^31
  EXPECT_EQ(to_fixed(1e30f, 16), kActMax);
  EXPECT_EQ(to_fixed(std::numeric_limits<float>::infinity(), 16), kActMax);
  EXPECT_EQ(to_fixed(-std::numeric_limits<float>::infinity(), 16), -kActMax);
  EXPECT_EQ(to_fixed(std::numeric_limits<float>::quiet_NaN(), 16), 0);
}

TEST(ToSf, RelativeErrorAtMostHalfAMantissaStep) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> exponent(-40.0, 40.0);
  for (int n = 0; n < 100000; ++n) {
    const float f = static_cast<float>(std::exp2(exponent(rng)));
    const ScaleFloat s = to_sf(f);
    ASSERT_GE(s.mantissa, 1u << 16);
    ASSERT_LT(s.mantissa, 1u << 17);
    const double rel = std::fabs(sf_to_double(s) / f - 1.0);
    ASSERT_LE(rel, std::ldexp(1.0, -17)) << f;  // half of 2^-16, the largest relative step
  }
  EXPECT_EQ(to_sf(1.0f), (ScaleFloat{1u << 16, -16}));
  // Mantissa all ones rounds up into the next binade.
  EXPECT_EQ(to_sf(std::bit_cast<float>(0x3FFFFFFFu)), (ScaleFloat{1u << 16, -15}));
}

TEST(ToSf, RejectsWhatIsNotAPositiveNormalFloat) {
  for (float bad : {0.0f, -1.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity(),
                    std::numeric_limits<float>::quiet_NaN()})
    EXPECT_EQ(to_sf(bad).mantissa, 0u) << bad;
}

}  // namespace
