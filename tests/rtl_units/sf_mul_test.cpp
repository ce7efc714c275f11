// hw/rtl/datapath/sf_mul.sv against golden::sf_mul (docs/numerics.md 3.1).
#include <gtest/gtest.h>

#include <random>

#include "Vsf_mul.h"
#include "comb_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"

namespace mmfree::rtl_test {
namespace {

using golden::ScaleFloat;

ScaleFloat rtl_sf_mul(CombModel<Vsf_mul>& dut, ScaleFloat a, ScaleFloat b) {
  dut->a_man_i = a.mantissa;
  dut->a_exp_i = static_cast<uint16_t>(a.exponent) & 0x3FF;
  dut->b_man_i = b.mantissa;
  dut->b_exp_i = static_cast<uint16_t>(b.exponent) & 0x3FF;
  dut.eval();
  return {dut->man_o, sign_extend(dut->exp_o, 10)};
}

TEST(SfMul, MatchesGoldenOnRandomAndExtremeMantissas) {
  CombModel<Vsf_mul> dut;
  std::mt19937 rng(42);
  std::uniform_int_distribution<uint32_t> mantissa(1u << 16, (1u << 17) - 1);
  std::uniform_int_distribution<int32_t> exponent(-120, 120);
  const uint32_t edges[] = {1u << 16, (1u << 16) + 1, (1u << 17) - 1, 92682, 92681, 130048};
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    ScaleFloat a{mantissa(rng), exponent(rng)}, b{mantissa(rng), exponent(rng)};
    if (i % 7 == 0) a.mantissa = edges[i % 6];
    if (i % 11 == 0) b.mantissa = edges[(i / 11) % 6];
    ASSERT_EQ(rtl_sf_mul(dut, a, b), golden::sf_mul(a, b))
        << a.mantissa << "*2^" << a.exponent << " x " << b.mantissa << "*2^" << b.exponent;
    ++checked;
  }
  EXPECT_EQ(checked, 200000);
}

TEST(SfMul, ZeroOperandGivesZero) {
  CombModel<Vsf_mul> dut;
  const ScaleFloat zero{}, one{1u << 16, -16};
  EXPECT_EQ(rtl_sf_mul(dut, zero, one), golden::sf_mul(zero, one));
  EXPECT_EQ(rtl_sf_mul(dut, one, zero), ScaleFloat{});
  EXPECT_EQ(rtl_sf_mul(dut, ScaleFloat{0, 37}, ScaleFloat{0, -5}), ScaleFloat{});
}

TEST(SfMul, RoundingCarryRenormalises) {
  // 65537 * 131070 = 2^33 - 2: just below 2^33, so 16 bits are dropped and the rounding carries
  // into 2^17; sf_norm must fold it to (2^16, e + 1).
  CombModel<Vsf_mul> dut;
  const ScaleFloat a{65537, 3}, b{131070, -9};
  const ScaleFloat expected = golden::sf_mul(a, b);
  EXPECT_EQ(expected.mantissa, 1u << 16);
  EXPECT_EQ(rtl_sf_mul(dut, a, b), expected);
}

}  // namespace
}  // namespace mmfree::rtl_test
