// Token mode of the RTL kernel, raw commands: the Verilated mmfree_kernel (sim backend's default
// configuration) and the golden kernel model (its executable specification, host/src/device/)
// run the same sequence of start commands on the same small synthetic checkpoint, and must
// leave the same bytes everywhere: every byte of io (tokens, argmax words, logits rows, and the
// bytes the kernel must not touch), every byte of the state buffer (both slots), the status
// register and the tokens counter. The commands cover reset_state, continuing from a slot, a
// second slot, all_logits, no_logits, the default single logits row, and a bad token.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "mmfree/device/golden_device.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "support/demo_fixtures.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

class KernelTokenCommands : public ::testing::TestWithParam<Shape> {};

TEST_P(KernelTokenCommands, EveryCommandLeavesTheBytesOfTheGoldenKernel) {
  const Shape& shape = GetParam();
  const Model model = synthetic_model(shape);
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*sim_device);
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(golden_kernel(ports), model, ports);

  std::mt19937 rng(shape.vocab);
  std::uniform_int_distribution<uint32_t> token(0, shape.vocab - 1);
  const auto tokens = [&](std::size_t n) {
    std::vector<uint32_t> t(n);
    for (auto& id : t) id = token(rng);
    return t;
  };
  const std::vector<std::pair<std::string, Command>> commands = {
      {"reset_state + all_logits, 4 tokens", {tokens(4), kResetSlot | rm::flags::kAllLogits, 0}},
      {"continue the slot, default flags, 3 tokens", {tokens(3), 0, 0}},
      {"continue, no_logits, 2 tokens", {tokens(2), rm::flags::kNoLogits, 0}},
      {"second slot from zero, 1 token", {tokens(1), kResetSlot, 1}},
      {"first slot again, all_logits, 2 tokens", {tokens(2), rm::flags::kAllLogits, 0}},
      {"bad token third of four", {{token(rng), token(rng), shape.vocab, token(rng)}, rm::flags::kAllLogits, 1}},
  };
  for (const auto& [label, command] : commands) {
    const auto began = std::chrono::steady_clock::now();
    const Outcome got = sim.run(command);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const Outcome want = golden.run(command);
    std::printf("[ kernel token ] %s: %s: status %u, %llu tokens, %llu kernel cycles, %.2f s simulated\n", shape.name,
                label.c_str(), got.status, static_cast<unsigned long long>(got.tokens_counter),
                static_cast<unsigned long long>(got.cycles), seconds);
    EXPECT_EQ(got.status, want.status) << label;
    EXPECT_EQ(got.tokens_counter, want.tokens_counter) << label;
    EXPECT_EQ(first_difference(got.io, want.io), -1) << label << ": first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1) << label << ": first differing state byte";
  }
}

TEST(KernelTokenDemo, PromptCommandOnTheDemoModelLeavesTheBytesOfTheGoldenKernel) {
  // The trained demo model (d = 256, L = 6, I = 768, V = 4096): one prompt-style command of
  // three tokens with every logits row, then one more token continuing the slot.
  const Model& model = test::demo_model();
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*sim_device);
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(golden_kernel(ports), model, ports);
  const uint32_t bos = model.config().bos_token_id;
  for (const Command& command : {Command{{bos, 450, 3000}, kResetSlot | rm::flags::kAllLogits, 0},
                                 Command{{17}, 0, 0}}) {
    const Outcome got = sim.run(command);
    const Outcome want = golden.run(command);
    std::printf("[ kernel token ] demo model, %zu tokens: status %u, %llu kernel cycles (%.0f per token)\n",
                command.tokens.size(), got.status, static_cast<unsigned long long>(got.cycles),
                double(got.cycles) / double(command.tokens.size()));
    EXPECT_EQ(got.status, 0u);
    EXPECT_EQ(got.tokens_counter, command.tokens.size());
    EXPECT_EQ(first_difference(got.io, want.io), -1) << "first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1) << "first differing state byte";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Synthetic, KernelTokenCommands,
    ::testing::Values(
        // Rows of 64 codes (one padded beat), vectors a whole number of gmem beats.
        Shape{"d64_l2_i256_v96", 64, 2, 256, 96, true},
        // d = 72, I = 136: embedding rows, state rows and norm vectors start mid-beat; no
        // lower bounds; a vocabulary no port count divides.
        Shape{"d72_l2_i136_v50_unaligned", 72, 2, 136, 50, false}),
    [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mmfree::kernel_token_test
