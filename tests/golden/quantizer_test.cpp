// Section 3.8 and 4: the int8 absmax quantizer in integers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

TEST(Quantizer, AgreesWithExactRoundingAwayFromTies) {
  // q differs from round(127 p / amax) only when the exact value lies within the scale's
  // relative error (2 x 1.5e-5) of a rounding tie; such cases are counted and must be rare.
  std::mt19937 rng(41);
  std::uniform_int_distribution<int32_t> value(-kActMax, kActMax);
  std::uniform_int_distribution<int> magnitude_bits(4, 31);
  std::vector<int32_t> p(2560);
  std::vector<int8_t> q(p.size());
  uint64_t total = 0, off_by_one = 0;
  for (int vec = 0; vec < 200; ++vec) {
    const int shift = 31 - magnitude_bits(rng);
    for (auto& v : p) v = value(rng) >> shift;
    const uint32_t amax = quantize_vector(p, q);
    ASSERT_GT(amax, 0u);
    for (std::size_t k = 0; k < p.size(); ++k) {
      const double exact = 127.0 * p[k] / amax;
      const double expected = std::round(exact);
      ++total;
      if (q[k] == expected) continue;
      ASSERT_EQ(std::fabs(q[k] - expected), 1.0);
      const double distance_to_tie = std::fabs(std::fabs(exact - std::trunc(exact)) - 0.5);
      ASSERT_LE(distance_to_tie, 127.0 * 3e-5) << p[k] << " / " << amax;
      ++off_by_one;
    }
  }
  std::printf("  quantizer: %llu of %llu values one level off exact rounding (all within 3e-5 of a tie)\n",
              static_cast<unsigned long long>(off_by_one), static_cast<unsigned long long>(total));
  EXPECT_LT(off_by_one * 1000, total);  // < 0.1 %
}

TEST(Quantizer, SymmetricAndBounded) {
  std::mt19937 rng(43);
  for (int n = 0; n < 100000; ++n) {
    const uint32_t amax = 1 + rng() % 0x7FFFFFFFu;
    const auto p = static_cast<int32_t>(rng() % (amax + 1u));
    const ScaleFloat c = quantizer_scale(amax);
    const int8_t q = quantize_q8(p, c);
    ASSERT_EQ(quantize_q8(-p, c), -q);
    ASSERT_LE(q, 127);
    ASSERT_GE(q, 0);
  }
}

TEST(Quantizer, ZeroVectorAndFullScale) {
  std::vector<int32_t> zeros(768, 0);
  std::vector<int8_t> q(768, 5);
  EXPECT_EQ(quantize_vector(zeros, q), 0u);
  for (int8_t v : q) EXPECT_EQ(v, 0);

  std::vector<int32_t> extremes = {kActMax, -kActMax, 0, kActMax / 4, 1, -1};
  std::vector<int8_t> qe(extremes.size());
  EXPECT_EQ(quantize_vector(extremes, qe), static_cast<uint32_t>(kActMax));
  EXPECT_EQ(qe, (std::vector<int8_t>{127, -127, 0, 32, 0, 0}));

  // An exact tie: with amax = 2^k the scale 127 / 2^k is exact, and p = 2^(k-1) gives 63.5,
  // which rounds away from zero on both signs.
  std::vector<int32_t> ties = {1 << 20, 1 << 19, -(1 << 19)};
  std::vector<int8_t> qt(ties.size());
  quantize_vector(ties, qt);
  EXPECT_EQ(qt, (std::vector<int8_t>{127, 64, -64}));
}

}  // namespace
