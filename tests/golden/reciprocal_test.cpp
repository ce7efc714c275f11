// Section 3.3: 1/a by leading-zero normalisation, a 513-entry table and interpolation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

constexpr double kReciprocalRelativeError = 1.5e-5;  // docs/numerics.md section 3.3

double relative_error(uint32_t a) { return std::fabs(sf_to_double(reciprocal_sf(a)) * a - 1.0); }

TEST(Reciprocal, TableMatchesItsFormula) {
  const auto& table = reciprocal_table();
  EXPECT_EQ(table.front(), 131072u);
  EXPECT_EQ(table.back(), 65536u);
  for (int j = 0; j <= kRecipSegments; ++j) ASSERT_LE(std::fabs(table[j] - 131072.0 / (1.0 + j / 512.0)), 0.5);
}

TEST(Reciprocal, EverySmallInputAndRandomLargeOnes) {
  double worst = 0;
  for (uint32_t a = 1; a < (1u << 22); ++a) worst = std::max(worst, relative_error(a));
  std::mt19937 rng(23);
  for (int n = 0; n < 300000; ++n) worst = std::max(worst, relative_error(1 + (rng() >> 1) % 0x7FFFFFFFu));
  std::printf("  worst relative error of reciprocal_sf: %.3g\n", worst);
  EXPECT_LE(worst, kReciprocalRelativeError);
}

TEST(Reciprocal, Extremes) {
  EXPECT_EQ(sf_to_double(reciprocal_sf(1)), 1.0);
  EXPECT_EQ(sf_to_double(reciprocal_sf(1u << 30)), std::ldexp(1.0, -30));
  EXPECT_LE(relative_error(0x7FFFFFFFu), kReciprocalRelativeError);  // the largest |p| in format A
  EXPECT_EQ(reciprocal_sf(0).mantissa, 0u);                          // never called with 0
}

TEST(Reciprocal, QuantizerScaleOf127) {
  // c = 127 / amax must map amax itself to 127 (not 126 or 128) for every amax.
  for (uint32_t amax = 1; amax < (1u << 20); ++amax) {
    const ScaleFloat c = quantizer_scale(amax);
    ASSERT_EQ(quantize_q8(static_cast<int32_t>(amax), c), 127) << amax;
    ASSERT_EQ(quantize_q8(-static_cast<int32_t>(amax), c), -127) << amax;
  }
}

}  // namespace
