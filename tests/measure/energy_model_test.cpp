// The energy model's arithmetic on known counter values, worked by hand from the coefficients
// of docs/energy.md.
#include <gtest/gtest.h>

#include <cmath>

#include "mmfree/error.hpp"
#include "mmfree/measure/board.hpp"
#include "mmfree/measure/energy_model.hpp"
#include "mmfree/measure/model_shape.hpp"

namespace {

using namespace mmfree::measure;

TEST(EnergyModel, CoefficientsFollowTheBoardsMemoryType) {
  EXPECT_EQ(energy_coefficients(load_board("u55c")).memory_pj_per_bit, 7.0);   // HBM2
  EXPECT_EQ(energy_coefficients(load_board("u280")).memory_pj_per_bit, 7.0);   // HBM2
  EXPECT_EQ(energy_coefficients(load_board("u250")).memory_pj_per_bit, 30.0);  // DDR4
  EXPECT_EQ(energy_coefficients(load_board("kv260")).memory_pj_per_bit, 30.0); // DDR4
  const auto k = energy_coefficients(load_board("u55c"));
  EXPECT_EQ(k.sram_pj_per_64_bits, 10.0);
  EXPECT_EQ(k.ternary_op_pj, 0.03);
  EXPECT_EQ(k.static_watts, 15.0);
}

TEST(EnergyModel, CounterTotalsPickTheNamedCounters) {
  const std::vector<mmfree::device::Counter> counters = {
      {"cycles", 99}, {"tokens", 3}, {"weight_bytes", 1000}, {"gmem_read_bytes", 20},
      {"gmem_write_bytes", 4}, {"ternary_ops", 4000}, {"w00_bytes", 500}};
  const CounterTotals t = counter_totals(counters);
  EXPECT_EQ(t.tokens, 3u);
  EXPECT_EQ(t.weight_bytes, 1000u);
  EXPECT_EQ(t.gmem_read_bytes, 20u);
  EXPECT_EQ(t.gmem_write_bytes, 4u);
  EXPECT_EQ(t.ternary_ops, 4000u);
  EXPECT_EQ(counter_totals({}).weight_bytes, 0u);
}

TEST(EnergyModel, EachTermOnKnownCountersOnHbm) {
  CounterTotals t;
  t.weight_bytes = 1'000'000;
  t.gmem_read_bytes = 1'000;
  t.gmem_write_bytes = 500;
  t.ternary_ops = 4'000'000;
  const EnergyEstimate e = estimate_energy(t, 1e-3, energy_coefficients(load_board("u55c")));
  // 8 x 1,001,500 bits x 7 pJ = 56.084 uJ
  EXPECT_DOUBLE_EQ(e.memory_joules, 8.0 * 1'001'500 * 7e-12);
  // FIFO in and out: 2 x 1e6 / 8 = 250,000 words; activations 4e6 / 8 = 500,000 words; 10 pJ each
  EXPECT_DOUBLE_EQ(e.sram_accesses_64bit, 750'000.0);
  EXPECT_DOUBLE_EQ(e.sram_joules, 750'000 * 10e-12);
  EXPECT_DOUBLE_EQ(e.ternary_joules, 4e6 * 0.03e-12);
  EXPECT_DOUBLE_EQ(e.dynamic_joules, e.memory_joules + e.sram_joules + e.ternary_joules);
  EXPECT_DOUBLE_EQ(e.static_joules, 15.0 * 1e-3);
  EXPECT_DOUBLE_EQ(e.total_joules, e.dynamic_joules + e.static_joules);
}

TEST(EnergyModel, DdrCostsMorePerBitThanHbm) {
  CounterTotals t;
  t.weight_bytes = 64;
  const auto hbm = estimate_energy(t, 0, energy_coefficients(load_board("u280")));
  const auto ddr = estimate_energy(t, 0, energy_coefficients(load_board("u250")));
  EXPECT_DOUBLE_EQ(hbm.memory_joules, 512 * 7e-12);
  EXPECT_DOUBLE_EQ(ddr.memory_joules, 512 * 30e-12);
  EXPECT_EQ(hbm.static_joules, 0.0);
}

// docs/targets.md: "for 1.3B, ~18 mJ/token from HBM reads alone against well under 1 mJ of
// additions".
TEST(EnergyModel, TheTargetsDocFigureFor13BOnHbm) {
  CounterTotals t;
  t.weight_bytes = weight_bytes_per_token(released_shape("1.3B").config);
  t.ternary_ops = ternary_weights_per_token(released_shape("1.3B").config);
  const auto e = estimate_energy(t, 0, energy_coefficients(load_board("u55c")));
  EXPECT_DOUBLE_EQ(e.memory_joules, 324'665'344.0 * 8 * 7e-12);
  EXPECT_EQ(std::lround(e.memory_joules * 1e3), 18);
  EXPECT_LT(e.ternary_joules, 1e-3);
}

TEST(EnergyModel, NegativeTimeIsRefused) {
  EXPECT_THROW(estimate_energy({}, -1.0, energy_coefficients(load_board("u55c"))), mmfree::UsageError);
}

}  // namespace
