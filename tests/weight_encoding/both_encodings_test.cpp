// The same checkpoint in both weight encodings (2bit, trit5; docs/mmf-format.md) through the
// Verilated kernel of the sim backend and the golden kernel model, loaded the same way
// (tests/kernel_token/token_rig.hpp): in each encoding the sim leaves every byte of io and state
// that the golden kernel does, and the two encodings leave the same bytes (the encoding changes
// what memory holds, never the arithmetic). On the demo model and on random shapes whose widths
// are mostly not multiples of 64 (rows end mid-segment and start mid-beat), under every memory
// preset, with and without random stalls.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "mmfree/sim/sim_harness.hpp"
#include "support/demo_fixtures.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;
using mmf::WeightEncoding;

struct Case {
  std::string name;
  uint32_t hidden, layers, intermediate, vocab;
  bool use_lower_bound;
  std::string preset;
  uint64_t stall_seed;  // 0: none
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::unique_ptr<device::Device> sim_kernel(const std::string& preset, uint64_t stall_seed) {
  sim::SimDeviceOptions options;
  options.timing = sim::memory_timing_preset(preset);
  if (stall_seed != 0) {
    options.timing.stall_probability = 0.2;
    options.timing.stall_seed = stall_seed;
  }
  auto device = sim::open_sim_kernel(options);
  for (std::size_t p = 0; p < device->harness().port_count(); ++p) device->harness().port(p).set_full_width_incr_only(true);
  return device;
}

// Runs `commands` on the sim kernel and the golden kernel with `model` loaded; checks they agree
// byte for byte; returns the sim's outcomes.
std::vector<Outcome> run_both(const Model& model, const std::vector<Command>& commands, const std::string& preset,
                              uint64_t stall_seed, const std::string& label) {
  auto device = sim_kernel(preset, stall_seed);
  const unsigned ports = weight_ports_of(*device);
  Rig sim(std::move(device), model, ports);
  Rig golden(golden_kernel(ports), model, ports);
  std::vector<Outcome> out;
  for (std::size_t k = 0; k < commands.size(); ++k) {
    const Outcome got = sim.run(commands[k], std::chrono::seconds(120));
    const Outcome want = golden.run(commands[k]);
    std::printf("[ weight encoding ] %s, command %zu: status %u, %llu kernel cycles\n", label.c_str(), k, got.status,
                static_cast<unsigned long long>(got.cycles));
    EXPECT_EQ(got.status, 0u) << label << " command " << k;
    EXPECT_EQ(want.status, 0u) << label << " command " << k;
    EXPECT_EQ(got.tokens_counter, commands[k].tokens.size()) << label;
    EXPECT_EQ(first_difference(got.io, want.io), -1) << label << " command " << k << ": first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1) << label << " command " << k << ": first differing state byte";
    out.push_back(got);
  }
  return out;
}

void expect_same_outcomes(const std::vector<Outcome>& a, const std::vector<Outcome>& b, const std::string& label) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(first_difference(a[k].io, b[k].io), -1) << label << " command " << k << ": trit5 and 2bit io differ";
    EXPECT_EQ(first_difference(a[k].state, b[k].state), -1) << label << " command " << k << ": trit5 and 2bit state differ";
  }
}

TEST(WeightEncodingDemo, BothEncodingsGiveTheGoldenBytesAndTheSameLogits) {
  const uint32_t bos = test::demo_model().config().bos_token_id;
  const std::vector<Command> commands = {{{bos, 450, 3000}, kResetSlot | rm::flags::kAllLogits, 0},
                                         {{17}, 0, 0}};
  for (const auto& [preset, stalls] : {std::pair<const char*, uint64_t>{"ideal", 0}, {"hbm", 77}}) {
    std::vector<std::vector<Outcome>> runs;
    for (const WeightEncoding e : {WeightEncoding::Trit5, WeightEncoding::TwoBit}) {
      const Model model = Model::open(test::demo_model_dir(), e);
      ASSERT_EQ(model.weight_encoding(), e);
      runs.push_back(run_both(model, commands, preset,
                              stalls, std::string("demo ") + std::string(mmf::weight_encoding_name(e)) + " " + preset));
    }
    expect_same_outcomes(runs[0], runs[1], std::string("demo ") + preset);
  }
}

std::vector<Case> random_cases() {
  std::mt19937 rng(1313);
  const auto in = [&](uint32_t low, uint32_t high) { return std::uniform_int_distribution<uint32_t>(low, high)(rng); };
  const char* presets[] = {"ideal", "hbm", "ddr4"};
  std::vector<Case> cases;
  for (int k = 0; k < 9; ++k) {
    Case c;
    // At least 32 rows a matrix: a P = 32 sim build runs the same cases.
    c.hidden = in(32, 600);
    c.layers = in(1, 2);
    c.intermediate = in(32, 900);
    c.vocab = in(32, 400);
    c.use_lower_bound = in(0, 1) == 1;
    c.preset = presets[k % 3];
    c.stall_seed = (k / 3) % 2 == 0 ? in(1, 1u << 20) : 0;
    c.name = "d" + std::to_string(c.hidden) + "_l" + std::to_string(c.layers) + "_i" + std::to_string(c.intermediate) +
             "_v" + std::to_string(c.vocab) + "_" + c.preset + (c.stall_seed ? "_stalls" : "");
    cases.push_back(c);
  }
  return cases;
}

class WeightEncodingShapes : public ::testing::TestWithParam<Case> {};

TEST_P(WeightEncodingShapes, BothEncodingsGiveTheGoldenBytesAndTheSameLogits) {
  const Case& c = GetParam();
  model::SyntheticCheckpoint spec;
  spec.config.hidden_size = c.hidden;
  spec.config.num_layers = c.layers;
  spec.config.intermediate_size = c.intermediate;
  spec.config.vocab_size = c.vocab;
  spec.config.use_lower_bound = c.use_lower_bound;
  spec.seed = c.hidden * 5 + c.vocab;
  std::mt19937 rng(c.hidden + c.intermediate);
  std::uniform_int_distribution<uint32_t> token(0, c.vocab - 1);
  const std::vector<Command> commands = {
      {{token(rng), token(rng)}, kResetSlot | rm::flags::kAllLogits, 0}, {{token(rng)}, 0, 0}};
  std::vector<std::vector<Outcome>> runs;
  for (const WeightEncoding e : {WeightEncoding::Trit5, WeightEncoding::TwoBit}) {
    const Model model = test::synthetic_model(spec, e);
    runs.push_back(run_both(model, commands, c.preset, c.stall_seed, c.name + " " + std::string(mmf::weight_encoding_name(e))));
  }
  expect_same_outcomes(runs[0], runs[1], c.name);
}

INSTANTIATE_TEST_SUITE_P(Seeded, WeightEncodingShapes, ::testing::ValuesIn(random_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace mmfree::kernel_token_test
