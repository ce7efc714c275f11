// Section 3.2: T^(-1/2) by leading-zero normalisation, a 769-entry table and interpolation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

// The error bound stated in docs/numerics.md section 3.2.
constexpr double kRsqrtRelativeError = 2e-5;

double relative_error(uint128 t) {
  const double exact = 1.0 / std::sqrt(static_cast<double>(t));
  return std::fabs(sf_to_double(rsqrt_sf(t)) / exact - 1.0);
}

TEST(Rsqrt, TableMatchesItsFormula) {
  const auto& table = rsqrt_table();
  EXPECT_EQ(table.front(), 131072u);
  EXPECT_EQ(table.back(), 65536u);
  for (int j = 0; j <= kRsqrtSegments; ++j) {
    const double exact = 131072.0 / std::sqrt(1.0 + j / 256.0);
    ASSERT_LE(std::fabs(table[j] - exact), 0.5) << j;
    ASSERT_LT(table[j], 1u << 18);  // 18-bit ROM words
  }
}

TEST(Rsqrt, SweepOfEverySegmentAndBothParities) {
  // Every table segment at several fractions, in an even and an odd binade.
  double worst = 0;
  for (int shift : {0, 1, 40, 41}) {
    for (uint64_t u = 1u << 24; u < (1u << 26); u += 4099) {
      const uint128 t = shift >= 24 ? (uint128{u} << (shift - 24)) : uint128{u >> (24 - shift)} + 1;
      worst = std::max(worst, relative_error(t));
    }
  }
  std::printf("  worst relative error of rsqrt_sf over the sweep: %.3g\n", worst);
  EXPECT_LE(worst, kRsqrtRelativeError);
}

TEST(Rsqrt, RandomInputsUpTo2To100) {
  std::mt19937_64 rng(17);
  for (int n = 0; n < 200000; ++n) {
    const uint128 t = ((uint128{rng()} << 64) | rng()) >> (28 + rng() % 100);
    if (t == 0) continue;
    ASSERT_LE(relative_error(t), kRsqrtRelativeError) << static_cast<double>(t);
  }
}

TEST(Rsqrt, Extremes) {
  // Exact powers of four are exact.
  EXPECT_EQ(sf_to_double(rsqrt_sf(1)), 1.0);
  EXPECT_EQ(sf_to_double(rsqrt_sf(4)), 0.5);
  EXPECT_EQ(sf_to_double(rsqrt_sf(uint128{1} << 76)), std::ldexp(1.0, -38));
  // The largest sums of squares a released model can produce (d = 2560 and I = 6912 values
  // all at the A limit), and the 128-bit ceiling of the interface.
  for (uint128 t : {uint128{2560} * uint64_t(kActMax) * uint64_t(kActMax),
                    uint128{6912} * uint64_t(kActMax) * uint64_t(kActMax), ~uint128{0}, uint128{2}, uint128{3}})
    EXPECT_LE(relative_error(t), kRsqrtRelativeError);
  // T = 0 only comes with an all-zero vector; it is defined as T = 1.
  EXPECT_EQ(rsqrt_sf(0), rsqrt_sf(1));
}

TEST(Rsqrt, MonotoneNonIncreasingAcrossSegmentsAndBinades) {
  // Catches an off-by-one in the index or the exponent at a table or binade boundary.
  double previous = sf_to_double(rsqrt_sf(1));
  for (uint64_t t = 2; t < 4000000; ++t) {
    const double r = sf_to_double(rsqrt_sf(t));
    ASSERT_LE(r, previous) << t;
    previous = r;
  }
  for (int b = 24; b < 100; ++b) {
    const uint128 edge = uint128{1} << b;
    EXPECT_LE(sf_to_double(rsqrt_sf(edge)), sf_to_double(rsqrt_sf(edge - 1))) << b;
    EXPECT_LE(sf_to_double(rsqrt_sf(edge + 1)), sf_to_double(rsqrt_sf(edge))) << b;
  }
}

}  // namespace
