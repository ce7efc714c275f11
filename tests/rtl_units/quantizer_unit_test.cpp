// tests/rtl_units/rtl/quantizer_unit.sv against golden::quantize_q8 with the quantizer scalars the
// datapath produces (golden::quantizer_scale) and arbitrary ones, under random valid/stall.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "Vquantizer_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

using golden::ScaleFloat;

struct QuantBeat {
  std::vector<int32_t> p;
  ScaleFloat c;
};

std::vector<int8_t> quantize_on_rtl(const std::vector<QuantBeat>& beats, uint32_t seed) {
  ClockedModel<Vquantizer_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int8_t> out;
  stream_valid_stall(
      sim, beats.size(), beats.size(), StallPattern{0.7, 0.3, seed},
      [&](std::size_t i) {
        set_lanes(sim->p_i, beats[i].p.data());
        sim->c_man_i = beats[i].c.mantissa;
        sim->c_exp_i = static_cast<uint16_t>(beats[i].c.exponent) & 0x3FF;
      },
      [&] { append_byte_lanes(sim->q_o, out); });
  return out;
}

TEST(QuantizerUnit, MatchesGoldenWithTheVectorsOwnScale) {
  // Each beat is a whole vector quantized by 127 / its own amax, as the datapath does.
  std::mt19937 rng(23);
  std::vector<QuantBeat> beats;
  for (int i = 0; i < 5000; ++i) {
    QuantBeat b{std::vector<int32_t>(kUnitLanes), {}};
    const int shrink = std::uniform_int_distribution<int>(0, 30)(rng);
    for (int32_t& v : b.p) v = random_a(rng) >> shrink;
    std::vector<int32_t> p = b.p;
    const uint32_t amax = golden::abs_max(p);
    if (amax == 0) continue;
    b.c = golden::quantizer_scale(amax);
    beats.push_back(b);
  }
  const std::vector<int8_t> rtl = quantize_on_rtl(beats, 1);
  ASSERT_EQ(rtl.size(), beats.size() * kUnitLanes);
  int extremes = 0;
  for (std::size_t i = 0; i < beats.size(); ++i)
    for (int k = 0; k < kUnitLanes; ++k) {
      const int8_t expected = golden::quantize_q8(beats[i].p[k], beats[i].c);
      extremes += (expected == 127 || expected == -127);
      ASSERT_EQ(rtl[i * kUnitLanes + k], expected) << "p " << beats[i].p[k];
    }
  EXPECT_GT(extremes, 0);
}

TEST(QuantizerUnit, MatchesGoldenWithArbitraryScalesAndClamps) {
  std::mt19937 rng(24);
  std::uniform_int_distribution<uint32_t> mantissa(1u << 16, (1u << 17) - 1);
  std::uniform_int_distribution<int32_t> exponent(-70, -1);
  std::vector<QuantBeat> beats;
  for (int i = 0; i < 5000; ++i) {
    QuantBeat b{std::vector<int32_t>(kUnitLanes), ScaleFloat{mantissa(rng), exponent(rng)}};
    for (int32_t& v : b.p) v = random_a(rng);
    beats.push_back(b);
  }
  const std::vector<int8_t> rtl = quantize_on_rtl(beats, 2);
  ASSERT_EQ(rtl.size(), beats.size() * kUnitLanes);
  for (std::size_t i = 0; i < beats.size(); ++i)
    for (int k = 0; k < kUnitLanes; ++k)
      ASSERT_EQ(rtl[i * kUnitLanes + k], golden::quantize_q8(beats[i].p[k], beats[i].c))
          << "p " << beats[i].p[k] << " c " << beats[i].c.mantissa << "*2^" << beats[i].c.exponent;
}

TEST(QuantizerUnit, ZeroScaleOfAnAllZeroVectorGivesZeros) {
  // amax = 0 makes the scale unit emit c = (0, 0); golden::quantize_vector then writes zeros.
  std::mt19937 rng(25);
  std::vector<QuantBeat> beats;
  for (int i = 0; i < 50; ++i) {
    QuantBeat b{std::vector<int32_t>(kUnitLanes), ScaleFloat{}};
    for (int32_t& v : b.p) v = random_a(rng);
    beats.push_back(b);
  }
  const std::vector<int8_t> rtl = quantize_on_rtl(beats, 3);
  ASSERT_EQ(rtl.size(), beats.size() * kUnitLanes);
  EXPECT_TRUE(std::all_of(rtl.begin(), rtl.end(), [](int8_t q) { return q == 0; }));
}

}  // namespace
}  // namespace mmfree::rtl_test
