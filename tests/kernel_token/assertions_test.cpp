// Token mode under the RTL's assertions: the other suites here run the sim backend's fast model,
// which is Verilated with --noassert for speed. This one runs token commands on the traced build
// of the same RTL (Verilated with --assert; no waveform is opened), with random back-pressure on
// every memory port, so that every handshake, FIFO and AXI assertion of the kernel and the AXI
// protocol checkers of the top are exercised by token traffic. A failing assertion ends the
// process (Verilator's default), which fails the test; the bytes must still equal the golden
// kernel's.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "mmfree/sim/sim_device.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

TEST(KernelTokenAssertions, TokenCommandsWithRandomStallsHoldEveryAssertion) {
  const Shape shape{"d72_l2_i136_v50_unaligned", 72, 2, 136, 50, false};
  const Model model = synthetic_model(shape);
  sim::SimDeviceOptions options;
  options.timing.read_latency_cycles = 12;
  options.timing.write_latency_cycles = 5;
  options.timing.stall_probability = 0.3;
  options.timing.stall_seed = 7;
  auto sim_device = std::make_unique<sim::SimDevice>(sim::make_kernel_top(/*traced=*/true), options);
  ASSERT_NE(sim_device->description().find("(traced)"), std::string::npos) << sim_device->description();
  const unsigned ports = weight_ports_of(*sim_device);
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(golden_kernel(ports), model, ports);

  std::mt19937 rng(11);
  std::uniform_int_distribution<uint32_t> token(0, shape.vocab - 1);
  const std::vector<Command> commands = {
      {{token(rng), token(rng)}, kResetSlot | rm::flags::kAllLogits, 0},
      {{token(rng), shape.vocab}, 0, 1},  // a bad token: the error path under assertions too
  };
  for (const Command& command : commands) {
    const Outcome got = sim.run(command);
    const Outcome want = golden.run(command);
    std::printf("[ kernel token ] asserting model, %zu tokens: status %u, %llu kernel cycles\n",
                command.tokens.size(), got.status, static_cast<unsigned long long>(got.cycles));
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.tokens_counter, want.tokens_counter);
    EXPECT_EQ(first_difference(got.io, want.io), -1) << "first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1) << "first differing state byte";
  }
}

}  // namespace
}  // namespace mmfree::kernel_token_test
