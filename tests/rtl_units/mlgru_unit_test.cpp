// tests/rtl_units/rtl/mlgru_unit.sv against golden::forget_complement_g, silu_a and
// mlgru_update_a composed as docs/numerics.md section 5 does, under random valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vmlgru_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(MlgruUnit, MatchesGoldenStateUpdate) {
  std::mt19937 rng(37);
  std::uniform_int_distribution<uint32_t> lower_bound(0, golden::kGateOne);
  const std::size_t beats = 6000;
  const std::size_t n = beats * kUnitLanes;
  std::vector<int32_t> f(n), in(n), h(n);
  std::vector<uint32_t> lb(n);
  std::vector<bool> bounded(beats);
  for (std::size_t i = 0; i < n; ++i) {
    f[i] = random_a(rng);
    in[i] = random_a(rng);
    h[i] = random_a(rng);
    lb[i] = (i % 17 == 0) ? golden::kGateOne + (i % 5) : lower_bound(rng);  // past 2^24 clamps
  }
  for (std::size_t i = 0; i < beats; ++i) bounded[i] = (i % 3) != 0;

  ClockedModel<Vmlgru_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.7, 0.3, 6},
      [&](std::size_t beat) {
        set_lanes(sim->f_i, &f[beat * kUnitLanes]);
        set_lanes(sim->i_i, &in[beat * kUnitLanes]);
        set_lanes(sim->h_i, &h[beat * kUnitLanes]);
        set_lanes(sim->lb_i, &lb[beat * kUnitLanes]);
        sim->bounded_i = bounded[beat];
      },
      [&] { append_lanes(sim->h_o, out); });
  ASSERT_EQ(out.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t cf = golden::forget_complement_g(f[i], lb[i], bounded[i / kUnitLanes]);
    const int32_t expected = golden::mlgru_update_a(h[i], golden::silu_a(in[i]), cf);
    ASSERT_EQ(out[i], expected) << "f " << f[i] << " i " << in[i] << " h " << h[i] << " lb " << lb[i];
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
