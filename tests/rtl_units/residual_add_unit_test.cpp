// tests/rtl_units/rtl/residual_add_unit.sv against golden::sat32(x + delta), under random
// valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vresidual_add_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(ResidualAddUnit, MatchesGoldenIncludingSaturation) {
  std::mt19937 rng(19);
  const std::size_t beats = 4000;
  std::vector<int32_t> x(beats * kUnitLanes), d(beats * kUnitLanes);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = random_a(rng);
    d[i] = random_a(rng);
  }
  x[0] = kAMax;  d[0] = kAMax;     // saturates high
  x[1] = -kAMax; d[1] = -kAMax;    // saturates at -(2^31 - 1), not -2^31
  x[2] = kAMax;  d[2] = -kAMax;
  ClockedModel<Vresidual_add_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.6, 0.4, 4},
      [&](std::size_t beat) {
        set_lanes(sim->x_i, &x[beat * kUnitLanes]);
        set_lanes(sim->delta_i, &d[beat * kUnitLanes]);
      },
      [&] { append_lanes(sim->sum_o, out); });
  ASSERT_EQ(out.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    ASSERT_EQ(out[i], golden::sat32(int64_t{x[i]} + d[i])) << x[i] << " + " << d[i];
  EXPECT_EQ(out[1], -kAMax);
}

}  // namespace
}  // namespace mmfree::rtl_test
