// tests/rtl_units/rtl/mul_a_unit.sv against golden::mul_a, under random valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vmul_a_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(MulAUnit, MatchesGoldenIncludingSaturationAndTies) {
  std::mt19937 rng(17);
  const std::size_t beats = 6000;
  std::vector<int32_t> a(beats * kUnitLanes), b(beats * kUnitLanes);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = random_a(rng);
    b[i] = random_a(rng);
    if (i % 13 == 0) b[i] = 1 << 15;  // x * 0.5: exact ties for odd x
  }
  ClockedModel<Vmul_a_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.8, 0.25, 3},
      [&](std::size_t beat) {
        set_lanes(sim->a_i, &a[beat * kUnitLanes]);
        set_lanes(sim->b_i, &b[beat * kUnitLanes]);
      },
      [&] { append_lanes(sim->product_o, out); });
  ASSERT_EQ(out.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(out[i], golden::mul_a(a[i], b[i])) << a[i] << " * " << b[i];
}

}  // namespace
}  // namespace mmfree::rtl_test
