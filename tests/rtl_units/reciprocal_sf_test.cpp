// hw/rtl/datapath/reciprocal_sf.sv against golden::reciprocal_sf (docs/numerics.md 3.3).
#include <gtest/gtest.h>

#include <random>

#include "Vreciprocal_sf.h"
#include "comb_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"

namespace mmfree::rtl_test {
namespace {

golden::ScaleFloat rtl_reciprocal(CombModel<Vreciprocal_sf>& dut, uint32_t a) {
  dut->a_i = a;
  dut.eval();
  return {dut->man_o, sign_extend(dut->exp_o, 10)};
}

TEST(ReciprocalSf, ExhaustiveBelow2To20) {
  CombModel<Vreciprocal_sf> dut;
  for (uint32_t a = 0; a < (1u << 20); ++a) ASSERT_EQ(rtl_reciprocal(dut, a), golden::reciprocal_sf(a)) << a;
}

TEST(ReciprocalSf, EveryTableSegmentAtFullWidth) {
  // a in [2^31, 2^32) is used unshifted: segment (a >> 22) - 512, 22-bit fraction.
  CombModel<Vreciprocal_sf> dut;
  std::mt19937 rng(4);
  std::uniform_int_distribution<uint32_t> fraction(0, (1u << 22) - 1);
  for (uint32_t i = 0; i < 512; ++i) {
    for (uint32_t fr : {0u, 1u, (1u << 21) - 1, 1u << 21, (1u << 22) - 1, fraction(rng)}) {
      const uint32_t a = ((512 + i) << 22) | fr;
      ASSERT_EQ(rtl_reciprocal(dut, a), golden::reciprocal_sf(a)) << a;
      ASSERT_EQ(rtl_reciprocal(dut, a >> 1), golden::reciprocal_sf(a >> 1)) << (a >> 1);
    }
  }
  std::uniform_int_distribution<uint32_t> any;
  for (int i = 0; i < 200000; ++i) {
    const uint32_t a = any(rng) >> std::uniform_int_distribution<int>(0, 31)(rng);
    ASSERT_EQ(rtl_reciprocal(dut, a), golden::reciprocal_sf(a)) << a;
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
