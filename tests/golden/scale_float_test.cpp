// Section 3.1: the per-vector scale floats.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

void expect_normalized(ScaleFloat s) {
  EXPECT_GE(s.mantissa, 1u << 16);
  EXPECT_LT(s.mantissa, 1u << 17);
}

TEST(SfFromUint, ExactUpTo17BitsAndWithinHalfAStepAbove) {
  for (uint64_t v = 1; v < (1u << 17); v += 37) {
    const ScaleFloat s = sf_from_uint(v);
    expect_normalized(s);
    ASSERT_EQ(sf_to_double(s), static_cast<double>(v));
  }
  std::mt19937_64 rng(3);
  for (int n = 0; n < 100000; ++n) {
    const uint64_t v = rng() >> (rng() % 64);
    if (v == 0) continue;
    const ScaleFloat s = sf_from_uint(v);
    expect_normalized(s);
    ASSERT_LE(std::fabs(sf_to_double(s) / static_cast<double>(v) - 1.0), std::ldexp(1.0, -17)) << v;
  }
  EXPECT_EQ(sf_from_uint(0).mantissa, 0u);
  EXPECT_EQ(sf_from_uint(UINT64_MAX), (ScaleFloat{1u << 16, 48}));  // rounds up to 2^64
  EXPECT_EQ(sf_from_uint(0x7FFFFFFFu), (ScaleFloat{1u << 16, 15}));
}

TEST(SfMul, WithinHalfAStepOfTheExactProduct) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<uint32_t> mantissa(1u << 16, (1u << 17) - 1);
  std::uniform_int_distribution<int32_t> exponent(-60, 60);
  for (int n = 0; n < 200000; ++n) {
    const ScaleFloat a{mantissa(rng), exponent(rng)}, b{mantissa(rng), exponent(rng)};
    const ScaleFloat p = sf_mul(a, b);
    expect_normalized(p);
    const double exact = sf_to_double(a) * sf_to_double(b);  // exact in double (34-bit product)
    ASSERT_LE(std::fabs(sf_to_double(p) / exact - 1.0), std::ldexp(1.0, -17));
  }
  EXPECT_EQ(sf_mul(ScaleFloat{1u << 16, -16}, kSf127), kSf127);  // 1 * 127
  EXPECT_EQ(sf_mul(ScaleFloat{}, kSf127).mantissa, 0u);
  EXPECT_EQ(sf_to_double(kSf127), 127.0);
}

TEST(SfFromDouble, NearestMantissa) {
  EXPECT_EQ(sf_from_double(1.0), (ScaleFloat{1u << 16, -16}));
  EXPECT_EQ(sf_from_double(127.0), kSf127);
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> exponent(-50.0, 50.0);
  for (int n = 0; n < 100000; ++n) {
    const double c = std::exp2(exponent(rng));
    const ScaleFloat s = sf_from_double(c);
    expect_normalized(s);
    ASSERT_LE(std::fabs(sf_to_double(s) / c - 1.0), std::ldexp(1.0, -17));
  }
}

}  // namespace
