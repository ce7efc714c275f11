// tests/rtl_units/rtl/glu_unit.sv against mul_a(silu_a(y_gate), y_up) built from the golden
// primitives (docs/numerics.md 5), under random valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vglu_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(GluUnit, MatchesGolden) {
  std::mt19937 rng(43);
  const std::size_t beats = 5000;
  const std::size_t n = beats * kUnitLanes;
  std::vector<int32_t> gate(n), up(n);
  for (std::size_t i = 0; i < n; ++i) {
    gate[i] = random_a(rng);
    up[i] = random_a(rng);
  }
  ClockedModel<Vglu_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.7, 0.3, 8},
      [&](std::size_t beat) {
        set_lanes(sim->gate_i, &gate[beat * kUnitLanes]);
        set_lanes(sim->up_i, &up[beat * kUnitLanes]);
      },
      [&] { append_lanes(sim->z_o, out); });
  ASSERT_EQ(out.size(), n);
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], golden::mul_a(golden::silu_a(gate[i]), up[i])) << "gate " << gate[i] << " up " << up[i];
}

}  // namespace
}  // namespace mmfree::rtl_test
