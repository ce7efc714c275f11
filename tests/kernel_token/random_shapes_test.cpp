// Bit-exactness on inputs the hand-picked suites do not reach: random shapes (d, I, V, L, lower
// bounds on or off; d, I and V mostly not multiples of 64, so rows, vectors and state start
// mid-beat) x the three memory presets x random stall seeds. Each case runs two commands on the
// Verilated kernel of the sim backend and on the golden kernel model, loaded the same way
// (token_rig.hpp), and compares every byte of io and state, the status and the tokens counter.
//
// The sim kernel's ports check the strict burst rule of docs/device.md here (full-width, aligned
// INCR bursts; set_full_width_incr_only), which otherwise only the unit tests in tests/kernel
// turn on: token-mode traffic, mid-beat vectors included, is held to it. A violation makes
// SimDevice::wait throw.
//
// The cases come from a fixed seed (reproducible, and printed); change kCaseSeed to explore.
// Cost: 3.1 s CPU for the 24 cases (0.04-1.1 s each; measured on the dev container).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "mmfree/device/golden_device.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "mmfree/sim/sim_harness.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

struct RandomCase {
  std::string name;
  uint32_t hidden, layers, intermediate, vocab;
  bool use_lower_bound;
  std::string preset;
  uint64_t stall_seed;  // 0: no random stalls
};

// gtest prints a failing case's parameter: its name says everything.
void PrintTo(const RandomCase& c, std::ostream* os) { *os << c.name; }

constexpr uint32_t kCaseSeed = 18;
constexpr int kCases = 24;
// Every matrix needs at least one row per weight port (docs/device.md), so d, I and V start at
// the largest port count a kernel is built with (32, the U280's), and the same cases also run
// on a P = 32 sim build (-DMMFREE_SIM_WEIGHT_PORTS=32).
constexpr uint32_t kMinimumRows = 32;

std::vector<RandomCase> random_cases() {
  std::mt19937 rng(kCaseSeed);
  const auto in = [&](uint32_t low, uint32_t high) { return std::uniform_int_distribution<uint32_t>(low, high)(rng); };
  const char* presets[] = {"ideal", "hbm", "ddr4"};
  std::vector<RandomCase> cases;
  for (int k = 0; k < kCases; ++k) {
    RandomCase c;
    c.hidden = in(kMinimumRows, 640);
    c.layers = in(1, 3);
    c.intermediate = in(kMinimumRows, 1024);
    c.vocab = in(kMinimumRows, 512);
    c.use_lower_bound = in(0, 1) == 1;
    c.preset = presets[k % 3];
    // Every other case with random stalls; each preset both ways.
    c.stall_seed = (k / 3) % 2 == 0 ? 0 : in(1, 1u << 20);
    c.name = "d" + std::to_string(c.hidden) + "_l" + std::to_string(c.layers) + "_i" + std::to_string(c.intermediate) +
             "_v" + std::to_string(c.vocab) + (c.use_lower_bound ? "_lb" : "") + "_" + c.preset +
             (c.stall_seed ? "_stalls" + std::to_string(c.stall_seed) : "");
    cases.push_back(c);
  }
  return cases;
}

class RandomShapes : public ::testing::TestWithParam<RandomCase> {};

TEST_P(RandomShapes, TwoCommandsLeaveTheBytesOfTheGoldenKernel) {
  const RandomCase& c = GetParam();
  const Model model = synthetic_model(
      Shape{c.name.c_str(), c.hidden, c.layers, c.intermediate, c.vocab, c.use_lower_bound});
  sim::SimDeviceOptions options;
  options.timing = sim::memory_timing_preset(c.preset);
  if (c.stall_seed != 0) {
    options.timing.stall_probability = 0.2;
    options.timing.stall_seed = c.stall_seed;
  }
  auto sim_device = sim::open_sim_kernel(options);
  sim::SimHarness& harness = sim_device->harness();
  for (std::size_t p = 0; p < harness.port_count(); ++p) harness.port(p).set_full_width_incr_only(true);
  const unsigned ports = weight_ports_of(*sim_device);
  ASSERT_LE(ports, kMinimumRows) << "raise kMinimumRows to the port count";
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(golden_kernel(ports), model, ports);

  std::mt19937 rng(c.hidden * 131 + c.vocab);
  std::uniform_int_distribution<uint32_t> token(0, c.vocab - 1);
  const std::vector<Command> commands = {
      {{token(rng), token(rng), token(rng)}, kResetSlot | rm::flags::kAllLogits, 0},
      {{token(rng), token(rng)}, 0, 0},  // continues the slot, one logits row
  };
  for (std::size_t k = 0; k < commands.size(); ++k) {
    const auto began = std::chrono::steady_clock::now();
    const Outcome got = sim.run(commands[k], std::chrono::seconds(120));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const Outcome want = golden.run(commands[k]);
    std::printf("[ random shape ] %s, command %zu: status %u, %llu kernel cycles, %.2f s simulated\n", c.name.c_str(),
                k, got.status, static_cast<unsigned long long>(got.cycles), seconds);
    EXPECT_EQ(got.status, 0u) << c.name << " command " << k;
    EXPECT_EQ(want.status, 0u) << c.name << " command " << k;
    EXPECT_EQ(got.tokens_counter, commands[k].tokens.size()) << c.name;
    EXPECT_EQ(want.tokens_counter, commands[k].tokens.size()) << c.name;
    EXPECT_EQ(first_difference(got.io, want.io), -1) << c.name << " command " << k << ": first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1)
        << c.name << " command " << k << ": first differing state byte";
  }
  EXPECT_EQ(harness.protocol_error(), "") << c.name;
}

INSTANTIATE_TEST_SUITE_P(Seeded, RandomShapes, ::testing::ValuesIn(random_cases()),
                         [](const ::testing::TestParamInfo<RandomCase>& info) { return info.param.name; });

}  // namespace
}  // namespace mmfree::kernel_token_test
