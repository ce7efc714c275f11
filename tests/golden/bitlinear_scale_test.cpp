// Section 4: the BitLinear output scale from one sum of squares, checked against the float
// definition (two RMSNorms, absmax) evaluated in double on the same integer inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "mmfree/golden/numerics.hpp"

namespace {

using namespace mmfree::golden;

constexpr float kEps = 1e-6f;

TEST(NormConstants, ValuesOfTheDocument) {
  // docs/numerics.md section 4 quotes these for eps = 1e-6.
  const NormConstants k256 = norm_constants(256, kEps), k1024 = norm_constants(1024, kEps);
  EXPECT_EQ(k256.e40, 1099512u);
  EXPECT_EQ(k256.ne1, 1099512u);
  EXPECT_EQ(k1024.ne1, 4398047u);  // 4398046.5 exactly: the tie goes away from zero
  EXPECT_EQ(k256.ne2, 1u);
  for (uint32_t n : {256u, 768u, 1024u, 2048u, 2560u, 2816u, 5632u, 6912u}) {
    const NormConstants k = norm_constants(n, kEps);
    const double c = std::sqrt(double(n)) * 65536.0 / 127.0;
    EXPECT_LE(std::fabs(sf_to_double(k.c) / c - 1.0), std::ldexp(1.0, -17));
    std::printf("  | %u | %llu | %llu | (%u, %d) |\n", n, static_cast<unsigned long long>(k.ne1),
                static_cast<unsigned long long>(k.ne2), k.c.mantissa, k.c.exponent);
  }
}

struct DoubleNormCase {
  std::vector<int32_t> x, a, w;
};

// The float definition: y = rmsnorm(rmsnorm(x, a, eps1), w, eps2); returns beta * amax(y) / 127.
double float_scale(const DoubleNormCase& c, double beta) {
  const std::size_t n = c.x.size();
  double sx = 0;
  for (int32_t v : c.x) sx += double(v) * v / 4294967296.0;
  const double rx = std::sqrt(sx / n + double(kEps));
  std::vector<double> u(n);
  double su = 0;
  for (std::size_t k = 0; k < n; ++k) {
    u[k] = (c.x[k] / 65536.0) * (c.a[k] / 65536.0) / rx;
    su += u[k] * u[k];
  }
  const double ru = std::sqrt(su / n + double(kEps));
  double amax = 0;
  for (std::size_t k = 0; k < n; ++k) amax = std::max(amax, std::fabs(u[k] * (c.w[k] / 65536.0) / ru));
  return beta * amax / 127.0;
}

ScaleFloat golden_scale(const DoubleNormCase& c, float beta) {
  const std::size_t n = c.x.size();
  std::vector<int32_t> p1(n), p(n);
  for (std::size_t k = 0; k < n; ++k) {
    p1[k] = mul_a(c.x[k], c.a[k]);
    p[k] = mul_a(p1[k], c.w[k]);
  }
  const NormConstants k = norm_constants(static_cast<uint32_t>(n), kEps);
  const uint128 t = double_norm_t(sum_squares(p1), sum_squares(c.x), k);
  return bitlinear_scale(sf_mul(to_sf(beta), k.c), abs_max(p), t);
}

DoubleNormCase random_case(std::mt19937& rng, std::size_t n, double x_scale) {
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> weight(0.1, 2.5);  // the demo's norm weights span 0.10 ... 2.6
  DoubleNormCase c;
  for (std::size_t k = 0; k < n; ++k) {
    c.x.push_back(sat32(std::llround(gauss(rng) * x_scale * 65536)));
    c.a.push_back(static_cast<int32_t>(std::lround(weight(rng) * 65536)));
    c.w.push_back(static_cast<int32_t>(std::lround(weight(rng) * 65536)));
  }
  return c;
}

TEST(BitLinearScale, MatchesTheFloatDefinitionAcrossMagnitudesAndLengths) {
  // Error budget: A rounding of p relative to amax (< 1e-5 for these magnitudes), five 2^-17
  // mantissa roundings, rsqrt 2e-5: 1e-4 covers it with margin.
  std::mt19937 rng(47);
  double worst = 0;
  for (std::size_t n : {256u, 768u, 2560u, 6912u})
    for (double x_scale : {0.1, 1.0, 30.0, 500.0}) {
      const auto c = random_case(rng, n, x_scale);
      const float beta = 0.15f;
      // The golden scale maps a ternary sum to format A, so it carries the factor 2^16.
      const double golden = sf_to_double(golden_scale(c, beta)) / 65536.0;
      const double rel = std::fabs(golden / float_scale(c, beta) - 1.0);
      worst = std::max(worst, rel);
      EXPECT_LE(rel, 1e-4) << "n " << n << " x scale " << x_scale;
    }
  std::printf("  worst relative error of the BitLinear scale: %.3g\n", worst);
}

TEST(BitLinearScale, LargestSumsOfSquaresStayExact) {
  // I = 6912 values all at the A limit: the sum of squares needs 75 bits, E40 * sum 96.
  std::vector<int32_t> x(6912, kActMax);
  for (std::size_t k = 0; k < x.size(); k += 2) x[k] = -kActMax;
  const uint128 s = sum_squares(x);
  EXPECT_EQ(s, uint128{6912} * uint64_t(kActMax) * uint64_t(kActMax));
  const NormConstants k = norm_constants(6912, kEps);
  const uint128 t = double_norm_t(s, s, k);
  const double expected_t = double(s) * (1.0 + 1e-6);
  EXPECT_LE(std::fabs(double(t) / expected_t - 1.0), 1e-12);
  const ScaleFloat scale = bitlinear_scale(k.c, static_cast<uint32_t>(kActMax), t);
  // amax / sqrt(T) = 1 / sqrt(n (1 + eps)) here, times C(n).
  const double expected = sf_to_double(k.c) / std::sqrt(6912.0 * (1.0 + 1e-6));
  EXPECT_LE(std::fabs(sf_to_double(scale) / expected - 1.0), 5e-5);
}

TEST(BitLinearScale, ZeroInputGivesZeroScale) {
  const NormConstants k = norm_constants(256, kEps);
  EXPECT_EQ(bitlinear_scale(k.c, 0, 0).mantissa, 0u);
  EXPECT_EQ(apply_scale_a(1000, bitlinear_scale(k.c, 0, 0)), 0);
}

TEST(ApplyScale, IsOneRoundingOfTheExactProduct) {
  std::mt19937 rng(53);
  std::uniform_int_distribution<int32_t> sum(-127 * 6912, 127 * 6912);
  std::uniform_int_distribution<uint32_t> mantissa(1u << 16, (1u << 17) - 1);
  std::uniform_int_distribution<int32_t> exponent(-45, 20);
  for (int n = 0; n < 500000; ++n) {
    const int32_t s = sum(rng);
    const ScaleFloat scale{mantissa(rng), exponent(rng)};
    const double exact = std::ldexp(double(s) * scale.mantissa, scale.exponent);  // exact in double
    const double expected = std::clamp(std::floor(exact + 0.5), -double(kActMax), double(kActMax));
    ASSERT_EQ(apply_scale_a(s, scale), expected) << s << " " << scale.mantissa << " " << scale.exponent;
  }
  EXPECT_EQ(apply_scale_a(127 * 6912, ScaleFloat{(1u << 17) - 1, 40}), kActMax);
  EXPECT_EQ(apply_scale_a(-127 * 6912, ScaleFloat{(1u << 17) - 1, 40}), -kActMax);
  EXPECT_EQ(apply_scale_a(127 * 6912, ScaleFloat{(1u << 17) - 1, -200}), 0);
}

}  // namespace
