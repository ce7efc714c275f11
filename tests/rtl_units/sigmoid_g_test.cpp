// hw/rtl/datapath/sigmoid_g.sv against golden::sigmoid_g (docs/numerics.md 3.4): exhaustive
// over the whole interpolated range |z| < 2^20 (x < 16) and its saturated edges.
#include <gtest/gtest.h>

#include <random>

#include "Vsigmoid_g.h"
#include "comb_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"

namespace mmfree::rtl_test {
namespace {

uint32_t rtl_sigmoid(CombModel<Vsigmoid_g>& dut, int32_t z) {
  dut->z_i = static_cast<uint32_t>(z);
  dut.eval();
  return dut->g_o;
}

TEST(SigmoidG, ExhaustiveOverTheInterpolatedRange) {
  CombModel<Vsigmoid_g> dut;
  const int32_t edge = (1 << 20) + 1024;
  for (int32_t z = -edge; z <= edge; ++z) ASSERT_EQ(rtl_sigmoid(dut, z), golden::sigmoid_g(z)) << z;
}

TEST(SigmoidG, SaturatedTailsAndSymmetry) {
  CombModel<Vsigmoid_g> dut;
  std::mt19937 rng(12);
  for (int i = 0; i < 100000; ++i) {
    const int32_t z = random_a(rng);
    ASSERT_EQ(rtl_sigmoid(dut, z), golden::sigmoid_g(z)) << z;
    ASSERT_EQ(rtl_sigmoid(dut, z) + rtl_sigmoid(dut, -z), golden::kGateOne) << z;
  }
  for (int32_t z : {kAMax, -kAMax, 0, 1, -1}) EXPECT_EQ(rtl_sigmoid(dut, z), golden::sigmoid_g(z)) << z;
}

}  // namespace
}  // namespace mmfree::rtl_test
