// hw/rtl/datapath/rsqrt_sf.sv (verilated with TBits = 128) against golden::rsqrt_sf
// (docs/numerics.md 3.2): every table segment, the interpolation, every input bit length.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

#include "Vrsqrt_sf.h"
#include "comb_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "wide_signal.hpp"

namespace mmfree::rtl_test {
namespace {

using golden::uint128;

golden::ScaleFloat rtl_rsqrt(CombModel<Vrsqrt_sf>& dut, uint128 t) {
  for (int w = 0; w < 4; ++w) dut->t_i[w] = static_cast<uint32_t>(t >> (32 * w));
  dut.eval();
  return {dut->man_o, sign_extend(dut->exp_o, 10)};
}

std::string show(uint128 t) {
  std::ostringstream text;
  text << "0x" << std::hex << static_cast<uint64_t>(t >> 64) << '_' << static_cast<uint64_t>(t);
  return text.str();
}

TEST(RsqrtSf, EveryTableSegmentAndFraction) {
  // T in [2^24, 2^26) is used unshifted: segment i = (T >> 16) - 256, fraction T mod 2^16.
  // A zero fraction reads table entry i exactly, so this checks every entry of the ROM.
  CombModel<Vrsqrt_sf> dut;
  std::mt19937 rng(5);
  std::uniform_int_distribution<uint32_t> fraction(0, 0xFFFF);
  for (uint32_t i = 0; i < 768; ++i) {
    for (uint32_t fr : {0u, 1u, 0x7FFFu, 0x8000u, 0xFFFFu, fraction(rng), fraction(rng)}) {
      const uint128 t = (uint128{256 + i} << 16) | fr;
      ASSERT_EQ(rtl_rsqrt(dut, t), golden::rsqrt_sf(t)) << show(t);
    }
  }
}

TEST(RsqrtSf, EveryBitLengthUpTo127) {
  CombModel<Vrsqrt_sf> dut;
  std::mt19937_64 rng(6);
  EXPECT_EQ(rtl_rsqrt(dut, 0), golden::rsqrt_sf(0));  // treated as 1
  for (int bits = 1; bits <= 127; ++bits) {
    const uint128 low = uint128{1} << (bits - 1);
    const uint128 top = (uint128{1} << bits) - 1;
    for (uint128 t : {low, top}) ASSERT_EQ(rtl_rsqrt(dut, t), golden::rsqrt_sf(t)) << show(t);
    for (int i = 0; i < 500; ++i) {
      const uint128 r = (uint128{rng()} << 64) | rng();
      const uint128 t = low | (r & (low - 1));
      ASSERT_EQ(rtl_rsqrt(dut, t), golden::rsqrt_sf(t)) << show(t);
    }
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
