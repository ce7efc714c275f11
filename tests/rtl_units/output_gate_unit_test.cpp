// tests/rtl_units/rtl/output_gate_unit.sv against mul_a(mul_a(g, g_norm), silu_a(h)) built from the
// golden primitives (docs/numerics.md 5), under random valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Voutput_gate_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(OutputGateUnit, MatchesGolden) {
  std::mt19937 rng(41);
  const std::size_t beats = 5000;
  const std::size_t n = beats * kUnitLanes;
  std::vector<int32_t> g(n), gn(n), h(n);
  for (std::size_t i = 0; i < n; ++i) {
    g[i] = random_a(rng);
    gn[i] = random_a(rng);
    h[i] = random_a(rng);
  }
  ClockedModel<Voutput_gate_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.7, 0.3, 7},
      [&](std::size_t beat) {
        set_lanes(sim->g_i, &g[beat * kUnitLanes]);
        set_lanes(sim->g_norm_i, &gn[beat * kUnitLanes]);
        set_lanes(sim->h_i, &h[beat * kUnitLanes]);
      },
      [&] { append_lanes(sim->p1_o, out); });
  ASSERT_EQ(out.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const int32_t expected = golden::mul_a(golden::mul_a(g[i], gn[i]), golden::silu_a(h[i]));
    ASSERT_EQ(out[i], expected) << "g " << g[i] << " g_norm " << gn[i] << " h " << h[i];
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
