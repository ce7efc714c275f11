// Lanes of the RTL kernel (issue 14, contract v2): one start command runs K lanes, each weight
// beat applied to every lane's activations. Batch invariance is the contract: a lane's bytes
// (argmax words, logits rows, its state slot) are exactly what the same sequence gives alone.
// So every multi-lane command of the Verilated kernel is compared, byte for byte, with the golden
// kernel model running each sequence as one-lane commands:
// - decode lanes: K independent slots advance one token per pass;
// - a chain (consecutive lanes naming one slot, a blocked prefill): pass t runs the sequence's
//   tokens t*m .. t*m + m - 1 in lane order, so the chain equals one lane fed them in order;
// - mixed commands (a chain between decode lanes), default / all / no logits, every memory
//   preset with and without random stalls;
// - every argument error at accept (bad_arguments, bad_slot): the status, nothing written.
// io bytes the command must not write are checked too (the rig's fill pattern).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "device/memory_layout.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "support/demo_fixtures.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

// One lane's sequence in a multi-lane command: the tokens it runs (in its order), where its
// argmax words and logits rows lie in the multi-lane io, and its slot.
struct LaneRun {
  uint32_t slot = 0;
  bool reset = false;
  std::vector<uint32_t> tokens;                    // in sequence order
  std::vector<std::size_t> argmax_offsets;         // one per token, in the K-lane io
  std::vector<std::ptrdiff_t> logits_offsets;      // one per token (-1: that row not written)
};

// The sequences of a K-lane command of `passes` passes: each run of consecutive equal slots is
// one sequence (a chain of m lanes: pass t, lane k0 + j runs its token t*m + j).
std::vector<LaneRun> sequences_of(const Command& c, uint32_t passes, uint32_t vocab) {
  const auto k_lanes = static_cast<uint32_t>(c.lane_slots.size());
  const device::IoLayout io(passes, k_lanes, vocab);
  std::vector<LaneRun> runs;
  for (uint32_t k0 = 0; k0 < k_lanes;) {
    uint32_t m = 1;
    while (k0 + m < k_lanes && c.lane_slots[k0 + m] == c.lane_slots[k0]) ++m;
    LaneRun run;
    run.slot = c.lane_slots[k0];
    run.reset = (c.lane_reset >> k0) & 1u;
    for (uint32_t t = 0; t < passes; ++t) {
      for (uint32_t j = 0; j < m; ++j) {
        const uint32_t k = k0 + j, index = t * k_lanes + k;
        run.tokens.push_back(c.tokens[index]);
        run.argmax_offsets.push_back(io.argmax_offset() + 4 * index);
        std::ptrdiff_t row = -1;
        if (c.flags & rm::flags::kAllLogits) row = index;
        else if (!(c.flags & rm::flags::kNoLogits) && t + 1 == passes) row = k;
        run.logits_offsets.push_back(row < 0 ? -1 : std::ptrdiff_t(io.logits_offset(row)));
      }
    }
    runs.push_back(run);
    k0 += m;
  }
  return runs;
}

// Runs the K-lane command on the sim kernel and each of its sequences as a one-lane command of
// all_logits on the golden kernel (same starting state), and compares every lane's bytes.
void expect_lanes_match(Rig& sim, Rig& golden, const Command& command, uint32_t passes, uint32_t vocab,
                        const std::string& label) {
  const Outcome got = sim.run(command);
  ASSERT_EQ(got.status, 0u) << label;
  EXPECT_EQ(got.tokens_counter, uint64_t(passes) * command.lane_slots.size()) << label;
  for (const LaneRun& run : sequences_of(command, passes, vocab)) {
    Command single{run.tokens, rm::flags::kAllLogits | (run.reset ? kResetSlot : 0u), run.slot};
    const Outcome want = golden.run(single);
    ASSERT_EQ(want.status, 0u) << label;
    const device::IoLayout one(run.tokens.size(), 1, vocab);
    for (std::size_t i = 0; i < run.tokens.size(); ++i) {
      EXPECT_EQ(0, std::memcmp(&got.io[run.argmax_offsets[i]], &want.io[one.argmax_offset() + 4 * i], 4))
          << label << ": slot " << run.slot << " token " << i << " argmax";
      if (run.logits_offsets[i] >= 0) {
        EXPECT_EQ(0, std::memcmp(&got.io[run.logits_offsets[i]], &want.io[one.logits_offset(i)], 4 * vocab))
            << label << ": slot " << run.slot << " token " << i << " logits";
      }
    }
    const std::size_t slot = sim.slot_bytes();
    EXPECT_EQ(0, std::memcmp(&got.state[run.slot * slot], &want.state[run.slot * slot], slot))
        << label << ": slot " << run.slot << " state";
  }
}

struct Scenario {
  const char* name;
  std::vector<uint32_t> lane_slots;
  uint32_t lane_reset;
  uint32_t passes;
  uint32_t flags;
};

Command command_of(const Scenario& s, std::mt19937& rng, uint32_t vocab) {
  std::uniform_int_distribution<uint32_t> token(0, vocab - 1);
  Command c;
  c.lane_slots = s.lane_slots;
  c.lane_reset = s.lane_reset;
  c.flags = s.flags;
  c.tokens.resize(s.passes * s.lane_slots.size());
  for (auto& t : c.tokens) t = token(rng);
  return c;
}

// Each scenario continues from the slots the one before left (both sides run the same history).
const std::vector<Scenario> kScenarios = {
    {"four decode lanes from zero, default logits", {0, 1, 2, 3}, 0b1111, 2, 0},
    {"three decode lanes continue, all_logits", {2, 0, 1}, 0, 2, rm::flags::kAllLogits},
    {"a chain of four (blocked prefill), all_logits", {3, 3, 3, 3}, 0b0001, 2, rm::flags::kAllLogits},
    {"mixed: decode, chain of two, decode; default logits", {0, 3, 3, 1}, 0, 2, 0},
    {"two chains, no_logits", {1, 1, 2, 2}, 0b0101, 1, rm::flags::kNoLogits},
    {"one lane of a four-lane build", {2}, 0, 2, rm::flags::kAllLogits},
};

void run_scenarios(const Model& model, const sim::SimDeviceOptions& options, const char* what) {
  auto sim_device = sim::open_sim_kernel(options);
  const unsigned ports = weight_ports_of(*sim_device);
  const unsigned lanes = sim_device->read_register(rm::hw_batch_lanes::kOffset);
  if (lanes < 4) GTEST_SKIP() << "this sim kernel has " << lanes << " lanes (BatchLanes < 4)";
  RigOptions big;
  big.io_bytes = 256 * 1024;   // all_logits of 8 lane-tokens of the demo's V = 4096
  Rig sim(std::move(sim_device), model, ports, big);
  Rig golden(golden_kernel(ports), model, ports, big);
  std::mt19937 rng(11);
  const uint32_t vocab = model.config().vocab_size;
  for (const Scenario& s : kScenarios) {
    const Command c = command_of(s, rng, vocab);
    expect_lanes_match(sim, golden, c, s.passes, vocab, std::string(what) + ": " + s.name);
  }
}

TEST(KernelLanes, DemoModelLanesEqualOneLaneCommandsOfTheGoldenKernel) {
  run_scenarios(test::demo_model(), {}, "demo, ideal memory");
}

class KernelLanesMemory : public ::testing::TestWithParam<std::pair<const char*, uint64_t>> {};

TEST_P(KernelLanesMemory, SyntheticModelLanesUnderMemoryTimings) {
  const Model model = synthetic_model({"d72_l2_i136_v50", 72, 2, 136, 50, true});
  sim::SimDeviceOptions options;
  options.timing = sim::memory_timing_preset(GetParam().first);
  options.timing.stall_probability = GetParam().second ? 0.2 : 0.0;
  options.timing.stall_seed = GetParam().second;
  run_scenarios(model, options, GetParam().first);
}

INSTANTIATE_TEST_SUITE_P(Presets, KernelLanesMemory,
                         ::testing::Values(std::pair<const char*, uint64_t>{"ideal", 0},
                                           std::pair<const char*, uint64_t>{"ideal", 7},
                                           std::pair<const char*, uint64_t>{"hbm", 0},
                                           std::pair<const char*, uint64_t>{"ddr4", 19}),
                         [](const auto& info) {
                           return std::string(info.param.first) + (info.param.second ? "_stalls" : "");
                         });

// io as the rig leaves it before a command: its fill pattern (`pattern`, from a command that wrote
// nothing) with the command's token ids at offset 0.
std::vector<std::byte> as_written(const std::vector<std::byte>& pattern, const Command& c) {
  std::vector<std::byte> io = pattern;
  std::memcpy(io.data(), c.tokens.data(), 4 * c.tokens.size());
  return io;
}

// Every argument error is refused at accept: the status bit, no lane-token counted, and not a
// byte of io or state written (the rig's fill patterns and the state left by the command before).
TEST(KernelLanes, ArgumentErrorsAreRefusedBeforeAnyWrite) {
  const Model model = synthetic_model({"d64_l2_i256_v96", 64, 2, 256, 96, true});
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*sim_device);
  const unsigned lanes = sim_device->read_register(rm::hw_batch_lanes::kOffset);
  Rig sim(std::move(sim_device), model, ports);
  const Outcome before = sim.run(Command{{1, 2}, kResetSlot, 0});
  ASSERT_EQ(before.status, 0u);
  const Outcome idle = sim.run(Command{{}, 0, 0});   // N = 0: writes nothing, the io pattern
  EXPECT_EQ(idle.status, 1u << rm::status::kBadArgumentsBit);

  struct Bad {
    const char* name;
    Command command;
    uint32_t status_bit;
  };
  std::vector<uint32_t> too_many(lanes + 1);
  for (uint32_t k = 0; k < too_many.size(); ++k) too_many[k] = k % kSlots;
  std::vector<Bad> bad = {
      {"no passes", {{}, 0, 0, {0, 1}}, rm::status::kBadArgumentsBit},
      {"more lanes than the build", {std::vector<uint32_t>(lanes + 1, 3), 0, 0, too_many}, rm::status::kBadArgumentsBit},
      {"reset on a chained lane", {{1, 2}, 0, 0, {0, 0}, 0b10}, rm::status::kBadArgumentsBit},
      {"slot beyond num_slots", {{1, 2}, 0, 0, {0, kSlots}}, rm::status::kBadSlotBit},
      {"num_slots smaller", {{1, 2}, 0, 0, {0, 1}, 0, 1}, rm::status::kBadSlotBit},
      {"a slot in two chains", {{1, 2, 3}, 0, 0, {1, 0, 1}}, rm::status::kBadSlotBit},
  };
  if (lanes >= 2) {
    for (const Bad& b : bad) {
      const Outcome got = sim.run(b.command);
      EXPECT_EQ(got.status, 1u << b.status_bit) << b.name;
      EXPECT_EQ(got.tokens_counter, 0u) << b.name;
      EXPECT_EQ(first_difference(got.io, as_written(idle.io, b.command)), -1) << b.name << ": io written";
      EXPECT_EQ(first_difference(got.state, before.state), -1) << b.name << ": state written";
    }
  }
  // K = 0 is bad_arguments on every build.
  Command zero{{1}, 0, 0};
  zero.zero_lanes = true;
  const Outcome got = sim.run(zero);
  EXPECT_EQ(got.status, 1u << rm::status::kBadArgumentsBit);
  EXPECT_EQ(first_difference(got.io, as_written(idle.io, zero)), -1) << "K = 0: io written";
  EXPECT_EQ(first_difference(got.state, before.state), -1) << "K = 0: state written";
}

}  // namespace
}  // namespace mmfree::kernel_token_test
