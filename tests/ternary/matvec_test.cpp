#include "mmfree/ternary/matvec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

namespace {

// A random packed ternary matrix in model.hpp's encoding, with its weights kept unpacked
// so the test can compute the product independently of the packing.
struct RandomTernary {
  std::vector<uint8_t> packed;
  std::vector<int8_t> weights;
  mmfree::TernaryMatrixView view;

  RandomTernary(uint32_t rows, uint32_t cols, std::mt19937& rng, double zero_fraction = 0.4) {
    const uint32_t stride = (cols + 255) / 256 * 64;
    packed.assign(std::size_t(rows) * stride, 0);
    weights.assign(std::size_t(rows) * cols, 0);
    std::uniform_real_distribution<double> uni(0, 1);
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t c = 0; c < cols; ++c) {
        const double p = uni(rng);
        const int8_t w = p < zero_fraction ? 0 : (p < (1 + zero_fraction) / 2 ? 1 : -1);
        weights[std::size_t(r) * cols + c] = w;
        const unsigned code = w == 0 ? 0u : (w == 1 ? 1u : 3u);
        packed[std::size_t(r) * stride + c / 4] |= uint8_t(code << (2 * (c % 4)));
      }
    view = {rows, cols, stride, 1.0f, packed.data()};
  }

  std::vector<int32_t> naive(const std::vector<int8_t>& q) const {
    std::vector<int32_t> out(view.rows, 0);
    for (uint32_t r = 0; r < view.rows; ++r)
      for (uint32_t c = 0; c < view.cols; ++c) out[r] += weights[std::size_t(r) * view.cols + c] * q[c];
    return out;
  }
};

std::vector<int8_t> random_q(uint32_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> q(n);
  for (auto& v : q) v = int8_t(d(rng));
  return q;
}

TEST(TernaryMatvec, MatchesNaiveProductOnAwkwardShapes) {
  std::mt19937 rng(7);
  for (uint32_t cols : {1u, 3u, 4u, 31u, 32u, 33u, 255u, 256u, 257u, 768u, 1000u}) {
    for (uint32_t rows : {1u, 3u, 4u, 5u, 17u}) {
      RandomTernary m(rows, cols, rng);
      const auto q = random_q(cols, rng);
      std::vector<int32_t> fast(rows), scalar(rows);
      mmfree::ternary_matvec(m.view, q, fast);
      mmfree::ternary_matvec_scalar(m.view, q, scalar);
      const auto expect = m.naive(q);
      EXPECT_EQ(fast, expect) << rows << "x" << cols;
      EXPECT_EQ(scalar, expect) << rows << "x" << cols;
    }
  }
}

// The extremes the hardware must also get right: every activation at -128 or +127 with every
// weight the same sign gives the largest sums; all-zero weights give exactly zero.
TEST(TernaryMatvec, ExtremesAreExact) {
  std::mt19937 rng(11);
  const uint32_t cols = 6912;
  for (double zero_fraction : {0.0, 1.0}) {
    RandomTernary m(8, cols, rng, zero_fraction);
    for (int8_t fill : {int8_t(-128), int8_t(127), int8_t(0)}) {
      const std::vector<int8_t> q(cols, fill);
      std::vector<int32_t> got(8);
      mmfree::ternary_matvec(m.view, q, got);
      EXPECT_EQ(got, m.naive(q));
    }
  }
}

TEST(TernaryMatvec, RowRangeMatchesFullProduct) {
  std::mt19937 rng(3);
  RandomTernary m(37, 300, rng);
  const auto q = random_q(300, rng);
  std::vector<int32_t> full(37), part(10);
  mmfree::ternary_matvec(m.view, q, full);
  mmfree::ternary_matvec_rows(m.view, q, 20, 30, part);
  EXPECT_EQ(part, std::vector<int32_t>(full.begin() + 20, full.begin() + 30));
}

TEST(TernaryMatvec, RejectsMismatchedShapes) {
  std::mt19937 rng(5);
  RandomTernary m(4, 64, rng);
  std::vector<int8_t> q(63);
  std::vector<int32_t> sums(4);
  EXPECT_THROW(mmfree::ternary_matvec(m.view, q, sums), std::invalid_argument);
  std::vector<int8_t> q_ok(64);
  std::vector<int32_t> sums_bad(3);
  EXPECT_THROW(mmfree::ternary_matvec(m.view, q_ok, sums_bad), std::invalid_argument);
}

}  // namespace
