// The BitLinear building blocks: RMSNorm, int8 absmax quantization with half-away rounding,
// and the full projection against an independent double-precision computation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "mmfree/reference/activation_quant.hpp"
#include "mmfree/reference/bitlinear.hpp"
#include "mmfree/reference/rms_norm.hpp"

namespace {

using namespace mmfree::reference;

TEST(ActivationQuant, RoundsHalfAwayFromZeroAndSaturates) {
  EXPECT_EQ(quantize_to_int8(2.5f), 3);  // torch.round (half to even) would give 2
  EXPECT_EQ(quantize_to_int8(-2.5f), -3);
  EXPECT_EQ(quantize_to_int8(0.5f), 1);
  EXPECT_EQ(quantize_to_int8(-0.49f), 0);
  EXPECT_EQ(quantize_to_int8(0.49999997f), 0);  // trunc(x + 0.5) would give 1
  EXPECT_EQ(quantize_to_int8(-0.49999997f), 0);
  EXPECT_EQ(quantize_to_int8(1.5f), 2);
  EXPECT_EQ(quantize_to_int8(-126.5f), -127);
  EXPECT_EQ(quantize_to_int8(127.5f), 127);
  EXPECT_EQ(quantize_to_int8(-128.4f), -128);
  EXPECT_EQ(quantize_to_int8(1e9f), 127);
  EXPECT_EQ(quantize_to_int8(-1e9f), -128);
}

TEST(ActivationQuant, ScaleMapsTheLargestMagnitudeTo127) {
  const std::vector<float> y = {127.0f, 2.5f, -2.5f, 3.5f, -127.0f};
  std::vector<int8_t> q(y.size());
  EXPECT_FLOAT_EQ(quantize_activations(y, q), 1.0f);
  EXPECT_EQ(q, (std::vector<int8_t>{127, 3, -3, 4, -127}));
}

TEST(ActivationQuant, VectorPathAgreesWithTheScalarRuleOnEveryElement) {
  // 1003 values (not a multiple of the vector width) including exact ties at the max scale.
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> uniform(-3.0f, 3.0f);
  std::vector<float> y(1003);
  for (auto& v : y) v = uniform(rng);
  y[0] = 127.0f;  // scale exactly 1, so the next values are exact ties
  for (int k = 1; k <= 40; ++k) y[k] = float(k % 2 ? k : -k) + 0.5f;
  y[41] = 0.49999997f;
  y[42] = -0.49999997f;
  std::vector<int8_t> q(y.size());
  const float scale = quantize_activations(y, q);
  EXPECT_FLOAT_EQ(scale, 1.0f);
  for (std::size_t k = 0; k < y.size(); ++k) ASSERT_EQ(q[k], quantize_to_int8(y[k] * scale)) << "index " << k;
  EXPECT_EQ(q[1], 2);    // 1.5
  EXPECT_EQ(q[2], -2);   // -2 + 0.5 = -1.5, away from zero
  EXPECT_EQ(q[41], 0);
}

TEST(ActivationQuant, AllZeroInputUsesTheFloorAndGivesZeros) {
  const std::vector<float> y(8, 0.0f);
  std::vector<int8_t> q(y.size(), 5);
  EXPECT_FLOAT_EQ(quantize_activations(y, q), 127.0f / kActivationQuantFloor);
  for (int8_t v : q) EXPECT_EQ(v, 0);
}

TEST(RmsNorm, ScalesByInverseRootMeanSquareAndWeight) {
  const std::vector<float> x = {3.0f, 4.0f}, w = {1.0f, 2.0f};
  std::vector<float> out(2);
  rms_norm(x, w, 0.0f, out);
  const double rms = std::sqrt(12.5);
  EXPECT_NEAR(out[0], 3.0 / rms, 1e-6);
  EXPECT_NEAR(out[1], 8.0 / rms, 1e-6);
  std::vector<float> wrong(3);
  EXPECT_THROW(rms_norm(x, w, 0.0f, wrong), std::invalid_argument);
}

// A packed matrix in model.hpp's 2-bit layout, built from plain ternary rows.
struct PackedMatrix {
  std::vector<uint8_t> bytes;
  mmfree::TernaryMatrixView view;
  PackedMatrix(const std::vector<std::vector<int>>& rows, float beta) {
    const uint32_t cols = static_cast<uint32_t>(rows[0].size()), stride = (cols + 255) / 256 * 64;
    bytes.assign(rows.size() * stride, 0);
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (uint32_t c = 0; c < cols; ++c) {
        const unsigned code = rows[r][c] == 0 ? 0u : (rows[r][c] == 1 ? 1u : 3u);
        bytes[r * stride + c / 4] |= uint8_t(code << (2 * (c % 4)));
      }
    view = {static_cast<uint32_t>(rows.size()), cols, stride, beta, bytes.data()};
  }
};

TEST(BitLinear, MatchesAnIndependentComputation) {
  const std::vector<std::vector<int>> t = {{1, 0, -1, 1, 0, 1}, {0, -1, 1, 1, -1, 0}, {-1, -1, -1, 0, 0, 1}};
  const PackedMatrix m(t, 0.37f);
  const std::vector<float> x = {0.3f, -1.2f, 2.0f, 0.05f, -0.7f, 1.1f};
  const std::vector<float> w = {1.0f, 0.5f, 2.0f, -1.0f, 1.5f, 0.8f};
  std::vector<float> out(3);
  BitLinear bitlinear;
  bitlinear.apply(x, w, m.view, out);

  double mean_square = 0;
  for (float v : x) mean_square += double(v) * v / x.size();
  std::vector<double> y(x.size());
  double max_abs = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    y[k] = x[k] / std::sqrt(mean_square + 1e-6) * w[k];
    max_abs = std::max(max_abs, std::fabs(y[k]));
  }
  const double s = 127.0 / max_abs;
  for (std::size_t r = 0; r < t.size(); ++r) {
    double sum = 0;
    for (std::size_t k = 0; k < x.size(); ++k) sum += t[r][k] * std::round(y[k] * s);  // half away
    EXPECT_NEAR(out[r], 0.37 / s * sum, 1e-5 * std::max(1.0, std::fabs(0.37 / s * sum))) << "row " << r;
  }
}

TEST(BitLinear, RejectsMismatchedShapes) {
  const PackedMatrix m({{1, 0}, {0, 1}}, 1.0f);
  BitLinear bitlinear;
  std::vector<float> x(3, 1.0f), w(3, 1.0f), out(2);
  EXPECT_THROW(bitlinear.apply(x, w, m.view, out), std::invalid_argument);
}

}  // namespace
