// hw/rtl/datapath/sf_from_uint.sv (verilated with Width = 64) against golden::sf_from_uint.
#include <gtest/gtest.h>

#include <random>

#include "Vsf_from_uint.h"
#include "comb_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"

namespace mmfree::rtl_test {
namespace {

golden::ScaleFloat rtl_sf_from_uint(CombModel<Vsf_from_uint>& dut, uint64_t v) {
  dut->value_i = v;
  dut.eval();
  return {dut->man_o, sign_extend(dut->exp_o, 10)};
}

TEST(SfFromUint, ExhaustiveBelow2To18) {
  CombModel<Vsf_from_uint> dut;
  for (uint64_t v = 0; v < (1u << 18); ++v) {
    ASSERT_EQ(rtl_sf_from_uint(dut, v), golden::sf_from_uint(v)) << v;
  }
}

TEST(SfFromUint, EveryBitLengthWithRoundingTies) {
  CombModel<Vsf_from_uint> dut;
  std::mt19937_64 rng(3);
  for (int bits = 17; bits <= 64; ++bits) {
    const uint64_t top = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    const uint64_t low = uint64_t{1} << (bits - 1);
    const int k = bits - 17;  // bits dropped
    const uint64_t tie = low | (k > 0 ? uint64_t{1} << (k - 1) : 0);
    for (uint64_t v : {low, top, tie, tie - 1, tie + 1}) {
      ASSERT_EQ(rtl_sf_from_uint(dut, v), golden::sf_from_uint(v)) << v;
    }
    std::uniform_int_distribution<uint64_t> draw(low, top);
    for (int i = 0; i < 2000; ++i) {
      const uint64_t v = draw(rng);
      ASSERT_EQ(rtl_sf_from_uint(dut, v), golden::sf_from_uint(v)) << v;
    }
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
