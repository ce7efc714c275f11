// Sections 3.6 - 3.7: the forget gate complement with lower bound, and the MLGRU update.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

double sigma(double z) { return 1.0 / (1.0 + std::exp(-z)); }

TEST(ForgetComplement, MatchesOneMinusBoundedSigmoid) {
  std::mt19937 rng(31);
  std::uniform_real_distribution<double> preact(-20.0, 20.0), bound(0.0, 1.0);
  for (int n = 0; n < 200000; ++n) {
    const double z = preact(rng), lb = bound(rng);
    const int32_t zi = static_cast<int32_t>(std::lround(z * 65536));
    const uint32_t lbi = static_cast<uint32_t>(std::lround(lb * 16777216));
    const double zq = zi / 65536.0, lbq = lbi / 16777216.0;
    const double exact = (1.0 - lbq) * (1.0 - sigma(zq));
    const double got = forget_complement_g(zi, lbi, true) / 16777216.0;
    // The sigmoid's error (sigmoid_test: <= 3.5e-6 absolute, 3.1e-5 relative plus one 2^-24 step
    // in the tail, two steps past the table) scaled by 1 - LB, plus one rounding.
    const double step = 1.0 / 16777216.0;
    const double complement_error =
        std::fabs(zq) >= 16 ? 2 * step : std::min(3.5e-6, 3.1e-5 * (1.0 - sigma(zq)) + step);
    ASSERT_LE(std::fabs(got - exact), (1.0 - lbq) * complement_error + step / 2) << z << " " << lb;
    const double unbounded = forget_complement_g(zi, lbi, false) / 16777216.0;
    ASSERT_LE(std::fabs(unbounded - (1.0 - sigma(zq))), 3.5e-6);
  }
}

TEST(ForgetComplement, Extremes) {
  EXPECT_EQ(forget_complement_g(0, 0, true), 1u << 23);
  EXPECT_EQ(forget_complement_g(0, kGateOne, true), 0u);       // LB = 1: the state is frozen
  EXPECT_EQ(forget_complement_g(0, kGateOne + 5, true), 0u);   // out-of-range LB clamps to 1
  EXPECT_EQ(forget_complement_g(kActMax, 0, false), 2u);       // held tail value
  EXPECT_EQ(forget_complement_g(-kActMax, 0, false), kGateOne - 2);
  EXPECT_EQ(forget_complement_g(0, 123456, false), 1u << 23);  // unbounded ignores LB
}

TEST(MlgruUpdate, MatchesTheConvexCombination) {
  std::mt19937 rng(37);
  std::uniform_int_distribution<int32_t> value(-(100 << 16), 100 << 16);
  std::uniform_int_distribution<uint32_t> gate(0, kGateOne);
  for (int n = 0; n < 500000; ++n) {
    const int32_t h = value(rng), c = value(rng);
    const uint32_t cf = gate(rng);
    const double f = 1.0 - cf / 16777216.0;
    const double exact = f * h + (1.0 - f) * c;  // in units of 2^-16
    ASSERT_LE(std::fabs(mlgru_update_a(h, c, cf) - exact), 0.5 + 1e-9);  // one rounding
  }
}

TEST(MlgruUpdate, ExtremesDoNotOverflow) {
  EXPECT_EQ(mlgru_update_a(kActMax, -kActMax, kGateOne), -kActMax);  // c - h spans 33 bits
  EXPECT_EQ(mlgru_update_a(-kActMax, kActMax, kGateOne), kActMax);
  EXPECT_EQ(mlgru_update_a(kActMax, -kActMax, 0), kActMax);          // f = 1: state kept
  EXPECT_EQ(mlgru_update_a(12345, 777, 0), 12345);
  EXPECT_EQ(mlgru_update_a(kActMax, -kActMax, kGateOne / 2), 0);
}

}  // namespace
