// The "sim" backend end to end: make_engine("sim") over the Verilated kernel and the device
// runtime, against the golden backend, on the demo model. Bit-identical logits are required.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "demo_model.hpp"
#include "mmfree/backends.hpp"
#include "mmfree/error.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/sim/sim_engine.hpp"

namespace mmfree::sim_test {

using sim::make_sim_engine;
using sim::SimEngineOptions;
namespace {

constexpr int kTokens = 64;

// A realistic token sequence: greedy decoding from <s> on the golden backend.
const std::vector<uint32_t>& greedy_tokens() {
  static const std::vector<uint32_t> tokens = [] {
    auto golden = make_engine("golden", demo_model());
    Sequence sequence(*golden);
    std::vector<uint32_t> t{demo_model().config().bos_token_id};
    while (t.size() < kTokens) {
      const auto logits = sequence.step(t.back());
      t.push_back(static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
    }
    return t;
  }();
  return tokens;
}

std::vector<std::vector<float>> run_sequence(Engine& engine, std::span<const uint32_t> tokens) {
  Sequence sequence(engine);
  std::vector<std::vector<float>> out;
  for (uint32_t t : tokens) {
    const auto logits = sequence.step(t);
    out.emplace_back(logits.begin(), logits.end());
  }
  return out;
}

std::vector<std::vector<float>> run_sequence(Sequence& sequence, std::span<const uint32_t> tokens) {
  std::vector<std::vector<float>> out;
  for (uint32_t t : tokens) {
    const auto logits = sequence.step(t);
    out.emplace_back(logits.begin(), logits.end());
  }
  return out;
}

void expect_bit_identical(const std::vector<std::vector<float>>& sim, const std::vector<std::vector<float>>& golden,
                          const std::string& label) {
  ASSERT_EQ(sim.size(), golden.size());
  for (std::size_t t = 0; t < sim.size(); ++t) {
    ASSERT_EQ(sim[t].size(), golden[t].size());
    ASSERT_EQ(std::memcmp(sim[t].data(), golden[t].data(), sim[t].size() * sizeof(float)), 0)
        << label << ": logits after token " << t << " differ from the golden backend";
  }
}

TEST(SimEngine, TokenCommandReturnsOneLogitPerVocabularyEntry) {
  auto sim = make_engine("sim", demo_model());
  Sequence sequence(*sim);
  const auto logits = sequence.step(demo_model().config().bos_token_id);
  EXPECT_EQ(logits.size(), demo_model().config().vocab_size);
}

struct EngineCase {
  std::string preset;
  bool random_stalls;
};

// Names the case in test listings ("hbm + stalls") instead of dumping its bytes.
void PrintTo(const EngineCase& c, std::ostream* os) { *os << c.preset << (c.random_stalls ? " + stalls" : ""); }

class SimEngineBitExact : public ::testing::TestWithParam<EngineCase> {};

TEST_P(SimEngineBitExact, DemoModelLogitsEqualGoldenFor64Tokens) {
  SimEngineOptions options;
  options.memory_preset = GetParam().preset;
  options.random_stalls = GetParam().random_stalls;
  options.stall_seed = 5;
  auto sim = make_sim_engine(demo_model(), options);
  auto golden = make_engine("golden", demo_model());
  expect_bit_identical(run_sequence(*sim, greedy_tokens()), run_sequence(*golden, greedy_tokens()),
                       GetParam().preset + (GetParam().random_stalls ? " + stalls" : ""));
}

INSTANTIATE_TEST_SUITE_P(Memories, SimEngineBitExact,
                         // Every preset, and random stalls on the slowest one (each case is
                         // about a CPU minute of simulation: 64 tokens at ~80k cycles each).
                         ::testing::Values(EngineCase{"ideal", false}, EngineCase{"hbm", false},
                                           EngineCase{"ddr4", false}, EngineCase{"hbm", true}),
                         [](const auto& info) { return info.param.preset + (info.param.random_stalls ? "_stalls" : ""); });

TEST(SimEngine, SecondSequenceAfterTheFirstEqualsItAlone) {
  const auto& tokens = greedy_tokens();
  const std::span<const uint32_t> first(tokens.data(), 16);
  const std::span<const uint32_t> second(tokens.data() + 16, 16);
  auto sim = make_engine("sim", demo_model());
  Sequence sequence(*sim);
  run_sequence(sequence, first);
  sequence.reset();
  const auto after_first = run_sequence(sequence, second);
  auto fresh = make_engine("sim", demo_model());
  expect_bit_identical(after_first, run_sequence(*fresh, second), "second sequence");
}

// The batch API on the RTL: three sequences in one call (three start commands, one per state
// slot), all logits, bit for bit what golden gives each alone; argmax-only equals the argmax.
TEST(SimEngine, SeveralSequencesInOneCallEqualGoldenAlone) {
  const auto& tokens = greedy_tokens();
  const std::vector<std::span<const uint32_t>> streams = {std::span(tokens).subspan(0, 6),
                                                          std::span(tokens).subspan(6, 3),
                                                          std::span(tokens).subspan(9, 5)};
  auto sim = make_engine("sim", demo_model());
  std::vector<SequenceInput> batch;
  for (const auto stream : streams) batch.push_back({sim->open_sequence(), stream, Outputs::All, OutputKind::Logits});
  const SequenceId argmax_only = sim->open_sequence();
  batch.push_back({argmax_only, streams[0], Outputs::All, OutputKind::Argmax});
  const DecodeResult result = sim->decode(batch, Counters::Read);
  ASSERT_EQ(result.outputs.size(), batch.size());
  auto golden = make_engine("golden", demo_model());
  for (std::size_t k = 0; k < streams.size(); ++k) {
    const auto expected = run_sequence(*golden, streams[k]);
    std::vector<std::vector<float>> rows;
    for (std::size_t r = 0; r < result.outputs[k].rows(); ++r)
      rows.emplace_back(result.outputs[k].row(r).begin(), result.outputs[k].row(r).end());
    expect_bit_identical(rows, expected, "sequence " + std::to_string(k) + " of the batch");
  }
  const auto& first = result.outputs[0];
  for (std::size_t r = 0; r < streams[0].size(); ++r) {
    const auto row = first.row(r);
    EXPECT_EQ(result.outputs.back().argmax[r],
              static_cast<uint32_t>(std::max_element(row.begin(), row.end()) - row.begin())) << "position " << r;
  }
  EXPECT_EQ(device::counter_value(result.counters, "tokens"), 6u + 3u + 5u + 6u) << "counters summed over the call";
}

TEST(SimEngine, UnknownMemoryPresetIsAUsageError) {
  try {
    make_engine("sim", demo_model(), {{"memory", "sram"}});
    FAIL() << "an unknown preset must be refused";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown memory preset 'sram' (known: ideal, hbm, ddr4, hbm-sustained, ddr4-sustained)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace mmfree::sim_test
