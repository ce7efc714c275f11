// FixedBitLinear: quantizer, exact ternary sums and output scale assembled, against the float
// BitLinear of docs/model-spec.md evaluated in double on the same integer input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "mmfree/golden/fixed_bitlinear.hpp"

namespace {

using namespace mmfree::golden;
using mmfree::TernaryMatrixView;

struct PackedMatrix {
  std::vector<uint8_t> bytes;
  std::vector<std::vector<int>> weights;
  TernaryMatrixView view;
};

PackedMatrix random_matrix(std::mt19937& rng, uint32_t rows, uint32_t cols, float beta) {
  PackedMatrix m;
  const uint32_t stride = (cols / 4 + 63) / 64 * 64;
  m.bytes.assign(std::size_t(rows) * stride, 0);
  m.weights.assign(rows, std::vector<int>(cols));
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < cols; ++c) {
      const int w = static_cast<int>(rng() % 3) - 1;
      m.weights[r][c] = w;
      const unsigned code = w == 1 ? 1u : (w == -1 ? 3u : 0u);
      m.bytes[std::size_t(r) * stride + c / 4] |= static_cast<uint8_t>(code << (2 * (c % 4)));
    }
  m.view = TernaryMatrixView{rows, cols, stride, beta, m.bytes.data()};
  return m;
}

TEST(FixedBitLinear, OutputsMatchTheFloatDefinitionOnTheSameQuantizedVector) {
  std::mt19937 rng(59);
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (uint32_t cols : {256u, 768u, 2560u}) {
    const uint32_t rows = 96;
    const auto m = random_matrix(rng, rows, cols, 0.17f);
    // A single-norm input (as down_proj): p = z * w, T = sum z^2 + NE1.
    std::vector<int32_t> z(cols), w(cols), p(cols);
    for (uint32_t k = 0; k < cols; ++k) {
      z[k] = static_cast<int32_t>(std::lround(gauss(rng) * 3.0 * 65536));
      w[k] = static_cast<int32_t>(std::lround((0.2 + (rng() % 1000) / 500.0) * 65536));
      p[k] = mul_a(z[k], w[k]);
    }
    const NormConstants k = norm_constants(cols, 1e-6f);
    const uint128 t = single_norm_t(sum_squares(z), k);
    std::vector<int32_t> out(rows);
    FixedBitLinear bitlinear;
    bitlinear.apply(p, t, matrix_constant(m.view, k), m.view, out);

    // Double: y = z w / sqrt(mean(z^2) + eps); the golden's own q (checked separately in
    // quantizer_test) so that the comparison isolates the scale and the sums.
    std::vector<int8_t> q(cols);
    const uint32_t amax_int = quantize_vector(p, q);
    double sz = 0;
    for (int32_t v : z) sz += (v / 65536.0) * (v / 65536.0);
    const double amax_y = (amax_int / 65536.0) / std::sqrt(sz / cols + 1e-6);
    for (uint32_t r = 0; r < rows; ++r) {
      long sum = 0;
      for (uint32_t c = 0; c < cols; ++c) sum += m.weights[r][c] * q[c];
      const double expected = 0.17 * amax_y / 127.0 * double(sum) * 65536.0;  // in A units
      ASSERT_LE(std::fabs(out[r] - expected), 1e-4 * std::fabs(expected) + 0.5) << "row " << r << " cols " << cols;
    }
  }
}

TEST(FixedBitLinear, ZeroInputAndShapeErrors) {
  std::mt19937 rng(61);
  const auto m = random_matrix(rng, 8, 256, 0.2f);
  const NormConstants k = norm_constants(256, 1e-6f);
  FixedBitLinear bitlinear;
  std::vector<int32_t> p(256, 0), out(8, 99);
  bitlinear.apply(p, 0, matrix_constant(m.view, k), m.view, out);
  EXPECT_EQ(out, std::vector<int32_t>(8, 0));
  std::vector<int32_t> short_p(255, 1);
  EXPECT_THROW(bitlinear.apply(short_p, 1, matrix_constant(m.view, k), m.view, out), std::invalid_argument);
  std::vector<int32_t> short_out(7);
  EXPECT_THROW(bitlinear.apply(p, 1, matrix_constant(m.view, k), m.view, short_out), std::invalid_argument);
}

}  // namespace
