// The cycle-cause counters of the RTL kernel (cause_*_cycles, docs/device.md, Performance
// counters): every cycle of a command is counted under exactly one cause, on token commands
// and on the weight-path self-test, the streaming cycles are at least what the ports' width
// allows for the bytes streamed, and a slower memory shows up as weight-memory stall. The
// golden kernel, which has no notion of time, reports none of them.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "mmfree/device/cycle_breakdown.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "support/demo_fixtures.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

// The demo in 2bit: on the HBM preset its token waits for weight beats, which the trit5 stream
// (0.8x the beats) hides behind the element-wise phases; the causes are counted the same way in
// either encoding.
const Model& demo_model() {
  static const Model model = Model::open(test::demo_model_dir(), mmf::WeightEncoding::TwoBit);
  return model;
}

// The demo model's self-test writes one int32 sum per row of every matrix after qd and qi.
RigOptions demo_rig_options() {
  RigOptions options;
  options.io_bytes = 256 * 1024;
  return options;
}

struct Measured {
  device::CycleBreakdown breakdown;
  uint64_t weight_bytes = 0;
  unsigned ports = 0;
  unsigned beat_bytes = 0;
};

// Runs `command` on the Verilated kernel with `timing` behind every memory port.
Measured run_on_sim(const Command& command, const sim::MemoryTiming& timing) {
  sim::SimDeviceOptions options;
  options.timing = timing;
  auto kernel = sim::open_sim_kernel(options);
  Measured m;
  m.ports = weight_ports_of(*kernel);
  m.beat_bytes = kernel->read_register(rm::hw_weight_data_width::kOffset) / 8;
  Rig rig(std::move(kernel), demo_model(), m.ports, demo_rig_options());
  const Outcome outcome = rig.run(command);
  EXPECT_EQ(outcome.status, 0u);
  const auto counters = rig.device().read_counters();
  m.breakdown = device::cycle_breakdown(counters);
  m.weight_bytes = device::counter_value(counters, "weight_bytes");
  const auto& b = m.breakdown;
  std::printf("[ cycle causes ] %s memory: %llu cycles = %llu streaming + %llu weight-memory + %llu element-wise + "
              "%llu control (%s)\n",
              timing.name.c_str(), static_cast<unsigned long long>(b.cycles),
              static_cast<unsigned long long>(b.streaming), static_cast<unsigned long long>(b.weight_memory),
              static_cast<unsigned long long>(b.element_wise), static_cast<unsigned long long>(b.control),
              b.describe().c_str());
  return m;
}

Command two_tokens() {
  return Command{{demo_model().config().bos_token_id, 450}, kResetSlot, 0};
}

// qd and qi are whatever the rig's io pattern leaves there: the sums are not checked here.
Command selftest_pass() { return Command{{1}, rm::flags::kMatvecSelftest, 0}; }

void expect_every_cycle_has_one_cause(const Measured& m) {
  const auto& b = m.breakdown;
  EXPECT_GT(b.cycles, 0u);
  EXPECT_EQ(b.streaming + b.weight_memory + b.element_wise + b.control, b.cycles);
  EXPECT_TRUE(b.available());
  // Each port takes at most one beat per cycle, and a cycle in which any port takes one is a
  // streaming cycle: the ports' beats cannot be taken in fewer cycles than the busiest needs.
  ASSERT_GT(m.weight_bytes, 0u);
  EXPECT_GE(b.streaming * m.ports * m.beat_bytes, m.weight_bytes);
  // Some cycles are always control: the descriptor is fetched and checked before anything.
  EXPECT_GT(b.control, 0u);
}

TEST(KernelCycleCauses, TokenCommandCyclesAllHaveOneCause) {
  const Measured m = run_on_sim(two_tokens(), sim::memory_timing_preset("ideal"));
  expect_every_cycle_has_one_cause(m);
  // A token runs norms, quantizers, the MLGRU and the GLU between its projections.
  EXPECT_GT(m.breakdown.element_wise, 0u);
}

TEST(KernelCycleCauses, SelftestPassHasNoElementWiseCycles) {
  const Measured m = run_on_sim(selftest_pass(), sim::memory_timing_preset("ideal"));
  expect_every_cycle_has_one_cause(m);
  EXPECT_EQ(m.breakdown.element_wise, 0u);
}

TEST(KernelCycleCauses, SlowerMemoryGrowsTheWeightMemoryStallShare) {
  const Measured fast = run_on_sim(two_tokens(), sim::memory_timing_preset("ideal"));
  const Measured slow = run_on_sim(two_tokens(), sim::memory_timing_preset("hbm"));
  expect_every_cycle_has_one_cause(slow);
  EXPECT_GT(slow.breakdown.share(slow.breakdown.weight_memory), fast.breakdown.share(fast.breakdown.weight_memory));
  EXPECT_GT(slow.breakdown.weight_memory, fast.breakdown.weight_memory);
  // The same work: as many beats taken, whatever the memory.
  EXPECT_EQ(slow.weight_bytes, fast.weight_bytes);

  const Measured fast_pass = run_on_sim(selftest_pass(), sim::memory_timing_preset("ideal"));
  const Measured slow_pass = run_on_sim(selftest_pass(), sim::memory_timing_preset("hbm"));
  expect_every_cycle_has_one_cause(slow_pass);
  EXPECT_EQ(slow_pass.breakdown.element_wise, 0u);
  EXPECT_GT(slow_pass.breakdown.share(slow_pass.breakdown.weight_memory),
            fast_pass.breakdown.share(fast_pass.breakdown.weight_memory));
}

TEST(KernelCycleCauses, GoldenKernelReportsNoCycleCauses) {
  // A zero-time model cannot know where cycles went: it reports none rather than zeros that
  // would read as a measurement.
  const unsigned ports = 4;
  Rig golden(golden_kernel(ports), demo_model(), ports, demo_rig_options());
  EXPECT_EQ(golden.run(two_tokens()).status, 0u);
  const auto counters = golden.device().read_counters();
  for (const auto& c : counters) EXPECT_FALSE(c.name.starts_with("cause_")) << c.name;
  EXPECT_FALSE(device::cycle_breakdown(counters).available());
  EXPECT_EQ(device::counter_value(counters, "tokens"), 2u);
}

}  // namespace
}  // namespace mmfree::kernel_token_test
