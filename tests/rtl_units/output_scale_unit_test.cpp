// tests/rtl_units/rtl/output_scale_unit.sv against golden::apply_scale_a, under random valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Voutput_scale_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

using golden::ScaleFloat;

TEST(OutputScaleUnit, MatchesGoldenOverSumsAndScales) {
  // |S| <= 127 * 6912 < 2^20 for every released model; the scale's exponent spans far past
  // what occurs, both the rounding right shifts and the saturating left shifts.
  std::mt19937 rng(29);
  const int32_t s_max = 127 * 6912;
  std::uniform_int_distribution<int32_t> sum(-s_max, s_max), small(-300, 300);
  std::uniform_int_distribution<uint32_t> mantissa(1u << 16, (1u << 17) - 1);
  std::uniform_int_distribution<int32_t> exponent(-70, 30);
  const std::size_t beats = 6000;
  std::vector<int32_t> sums(beats * kUnitLanes);
  std::vector<ScaleFloat> scales(beats);
  for (std::size_t i = 0; i < beats; ++i) {
    scales[i] = (i % 97 == 0) ? ScaleFloat{} : ScaleFloat{mantissa(rng), exponent(rng)};
    for (int k = 0; k < kUnitLanes; ++k) {
      int32_t& s = sums[i * kUnitLanes + k];
      s = (k % 3 == 0) ? small(rng) : sum(rng);
      if (k == 15) s = (i % 2) ? s_max : -s_max;
    }
  }
  ClockedModel<Voutput_scale_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.7, 0.3, 5},
      [&](std::size_t beat) {
        set_lanes(sim->sum_i, &sums[beat * kUnitLanes]);
        sim->scale_man_i = scales[beat].mantissa;
        sim->scale_exp_i = static_cast<uint16_t>(scales[beat].exponent) & 0x3FF;
      },
      [&] { append_lanes(sim->out_o, out); });
  ASSERT_EQ(out.size(), sums.size());
  int saturated = 0;
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const ScaleFloat s = scales[i / kUnitLanes];
    const int32_t expected = golden::apply_scale_a(sums[i], s);
    saturated += (expected == golden::kActMax || expected == -golden::kActMax);
    ASSERT_EQ(out[i], expected) << sums[i] << " x " << s.mantissa << "*2^" << s.exponent;
  }
  EXPECT_GT(saturated, 0);
}

}  // namespace
}  // namespace mmfree::rtl_test
