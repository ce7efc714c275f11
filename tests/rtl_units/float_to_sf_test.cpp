// hw/rtl/datapath/float_to_sf.sv against golden::to_sf (docs/numerics.md 2): the per-matrix
// beta as a scale float.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "Vfloat_to_sf.h"
#include "comb_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"

namespace mmfree::rtl_test {
namespace {

golden::ScaleFloat rtl_to_sf(CombModel<Vfloat_to_sf>& dut, float f) {
  dut->float_i = std::bit_cast<uint32_t>(f);
  dut.eval();
  return {dut->man_o, sign_extend(dut->exp_o, 10)};
}

TEST(FloatToSf, MatchesGoldenOnRandomBitPatterns) {
  CombModel<Vfloat_to_sf> dut;
  std::mt19937 rng(8);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 300000; ++i) {
    const float f = std::bit_cast<float>(bits(rng));
    ASSERT_EQ(rtl_to_sf(dut, f), golden::to_sf(f)) << std::bit_cast<uint32_t>(f);
  }
}

TEST(FloatToSf, MatrixScalesAndSpecialValues) {
  CombModel<Vfloat_to_sf> dut;
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> beta(1e-5f, 2.0f);
  for (int i = 0; i < 10000; ++i) {
    const float f = beta(rng);
    ASSERT_EQ(rtl_to_sf(dut, f), golden::to_sf(f)) << f;
  }
  const float specials[] = {0.0f, -0.0f, 1.0f, -1.0f, std::numeric_limits<float>::min(),
                            std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                            std::bit_cast<float>(0x3F7FFFC0u) /* rounds up into 2^17 */};
  for (float f : specials) EXPECT_EQ(rtl_to_sf(dut, f), golden::to_sf(f)) << std::bit_cast<uint32_t>(f);
  EXPECT_EQ(golden::to_sf(std::bit_cast<float>(0x3F7FFFC0u)).mantissa, 1u << 16);
}

}  // namespace
}  // namespace mmfree::rtl_test
