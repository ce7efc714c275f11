// Batch invariance (issue 14, docs/device.md, Lanes and chains): a sequence's logits, argmax
// and MLGRU state are bit-identical whatever else shares its weight passes. Random call
// scripts put sequences together in batches of every size up to B, let them join late and
// leave early (their slots reused by later ones), feed prompts in one call (chains of lanes:
// blocked prefill) and decode one token at a time, with every output mode; every row that
// comes back and every open sequence's state slot after every call are compared with the
// golden engine fed the same sequence token by token, alone. On the demo model and a
// synthetic shape, for B = 1 .. 16 of the golden kernel model, on the golden backend, and on
// the sim backend (the Verilated kernel at its build's B) under three memory presets.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/golden/golden_engine.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "support/synthetic_model.hpp"

namespace {

using mmfree::Engine;
using mmfree::Model;
using mmfree::OutputKind;
using mmfree::Outputs;
using mmfree::SequenceId;
using mmfree::SequenceInput;
using mmfree::device::DeviceRuntime;

constexpr unsigned kSlots = 6;

uint32_t argmax_of(std::span<const float> v) {
  return static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// One sequence of a script: its tokens, and what the golden engine gives for them alone.
struct Script {
  std::vector<uint32_t> tokens;
  std::size_t join_call = 0;
  std::vector<std::vector<float>> logits;  // after each token
  std::vector<std::vector<int32_t>> state;  // all layers' h after each token
  // While running:
  std::optional<SequenceId> id;
  unsigned slot = 0;
  std::size_t fed = 0;
  bool closed = false;
};

std::vector<Script> make_scripts(const Model& model, uint32_t seed, std::size_t count, std::size_t max_length) {
  std::mt19937 rng(seed);
  std::vector<Script> scripts(count);
  mmfree::golden::GoldenEngine golden(model);
  const auto& c = model.config();
  for (Script& s : scripts) {
    s.tokens.resize(1 + rng() % max_length);
    for (auto& t : s.tokens) t = rng() % c.vocab_size;
    s.join_call = rng() % 6;
    golden.reset();
    for (const uint32_t t : s.tokens) {
      const auto logits = golden.step(t);
      s.logits.emplace_back(logits.begin(), logits.end());
      std::vector<int32_t> h;
      for (uint32_t l = 0; l < c.num_layers; ++l) {
        const auto layer = golden.state(l);
        h.insert(h.end(), layer.begin(), layer.end());
      }
      s.state.push_back(std::move(h));
    }
  }
  return scripts;
}

// Runs the scripts on `engine` call by call (see the file comment) and checks every output row
// and, when `runtime` is given, every open sequence's state slot after every call. Returns the
// largest number of sequences one call carried.
std::size_t run_scripts(Engine& engine, DeviceRuntime* runtime, std::vector<Script>& scripts, uint32_t seed,
                        const std::string& what) {
  std::mt19937 rng(seed);
  std::vector<bool> slot_used(kSlots, false);  // mirrors the runtime's lowest-free-slot choice
  std::size_t widest = 0;
  for (std::size_t call = 0; call < 1000; ++call) {
    std::vector<Script*> ready;
    bool pending = false;
    for (Script& s : scripts) {
      if (s.closed) continue;
      pending = true;
      if (s.join_call > call) continue;
      if (!s.id) {
        const auto free = std::find(slot_used.begin(), slot_used.end(), false);
        if (free == slot_used.end()) continue;  // waits for a neighbour to leave
        s.id = engine.open_sequence();
        s.slot = static_cast<unsigned>(free - slot_used.begin());
        *free = true;
      }
      ready.push_back(&s);
    }
    if (!pending) return widest;
    if (ready.empty()) continue;

    std::vector<SequenceInput> batch;
    std::vector<Script*> in_batch;
    for (Script* s : ready) {
      if (rng() % 10 < 3 && !(in_batch.empty() && s == ready.back())) continue;  // sits this call out
      const std::size_t left = s->tokens.size() - s->fed;
      // A prompt first (any length), then mostly single tokens, now and then a few.
      std::size_t chunk = s->fed == 0 ? 1 + rng() % left : (rng() % 10 < 7 ? 1 : 1 + rng() % std::min<std::size_t>(left, 6));
      chunk = std::min(chunk, left);
      const Outputs outputs = std::array{Outputs::All, Outputs::Last, Outputs::None}[rng() % 3];
      const OutputKind kind = rng() % 10 < 3 ? OutputKind::Argmax : OutputKind::Logits;
      batch.push_back({*s->id, std::span<const uint32_t>(s->tokens).subspan(s->fed, chunk), outputs, kind});
      in_batch.push_back(s);
    }
    widest = std::max(widest, batch.size());
    const auto result = engine.decode(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Script& s = *in_batch[i];
      const auto& out = result.outputs[i];
      const std::size_t n = batch[i].tokens.size();
      const std::size_t rows = batch[i].outputs == Outputs::All ? n : (batch[i].outputs == Outputs::Last ? 1 : 0);
      EXPECT_EQ(out.rows(), rows) << what;
      for (std::size_t r = 0; r < out.rows(); ++r) {
        const std::size_t position = s.fed + (batch[i].outputs == Outputs::All ? r : n - 1);
        const auto& want = s.logits[position];
        EXPECT_EQ(out.argmax[r], argmax_of(want)) << what << ": call " << call << ", position " << position;
        if (batch[i].kind == OutputKind::Logits) {
          EXPECT_TRUE(out.row(r).size() == want.size() && std::memcmp(out.row(r).data(), want.data(), want.size() * sizeof(float)) == 0)
              << what << ": logits differ at call " << call << ", position " << position << " of a sequence of "
              << s.tokens.size() << " in a batch of " << batch.size();
        }
      }
      s.fed += n;
    }
    if (runtime) {
      for (Script& s : scripts)
        if (s.id && !s.closed && s.fed > 0)
          EXPECT_EQ(runtime->read_state(s.slot), s.state[s.fed - 1]) << what << ": state after call " << call;
    }
    for (Script* s : in_batch)
      if (s->fed == s->tokens.size()) {  // done: leaves, and its slot goes to a later sequence
        engine.close_sequence(*s->id);
        slot_used[s->slot] = false;
        s->closed = true;
      }
  }
  ADD_FAILURE() << what << ": the script did not finish";
  return widest;
}

const Model& synthetic() {
  static const Model model = [] {
    mmfree::model::SyntheticCheckpoint spec;
    spec.config.hidden_size = 320;
    spec.config.num_layers = 2;
    spec.config.intermediate_size = 448;
    spec.config.vocab_size = 1001;
    spec.config.use_lower_bound = true;
    spec.seed = 1414;
    return mmfree::test::synthetic_model(spec);
  }();
  return model;
}

struct Case {
  const char* name;
  bool demo;
  unsigned lanes;  // golden kernel model: B; 0: the backend `backend` (its own B)
  unsigned weight_ports;
  const char* backend = "golden-kernel";
  const char* memory = "";  // sim: the memory preset
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class BatchInvariance : public ::testing::TestWithParam<Case> {};

TEST_P(BatchInvariance, EverySequenceIsBitIdenticalToItselfAlone) {
  const Case& c = GetParam();
  const Model& model = c.demo ? mmfree::test::demo_model() : synthetic();
  const uint32_t seed = 1400 + c.lanes * 7 + (c.demo ? 0 : 1);
  auto scripts = make_scripts(model, seed, 10, c.demo ? 24 : 12);
  std::unique_ptr<Engine> engine;
  std::shared_ptr<DeviceRuntime> runtime;
  if (c.lanes == 0) {
    if (std::string(c.backend) == "sim" && !MMFREE_DEVICE_TEST_HAS_SIM) GTEST_SKIP() << "host-only build: no sim backend";
    mmfree::BackendOptions options;
    if (*c.memory) options.set("memory", c.memory);
    engine = mmfree::make_engine(c.backend, model, options);
  } else {
    mmfree::device::GoldenDeviceConfig config;
    config.batch_lanes = c.lanes;
    config.weight_ports = c.weight_ports;
    mmfree::device::DeviceRuntimeOptions options;
    options.state_slots = kSlots;
    options.max_tokens_per_command = 24;  // long prompts over several commands too
    runtime = DeviceRuntime::create(model, mmfree::device::make_golden_device(config), options);
    engine = mmfree::device::make_device_engine("golden-kernel", runtime);
  }
  const std::size_t widest = run_scripts(*engine, runtime.get(), scripts, seed, c.name);
  EXPECT_GE(widest, 3u) << "the script never batched several sequences";
}

INSTANTIATE_TEST_SUITE_P(
    Lanes, BatchInvariance,
    ::testing::Values(Case{"golden_backend", true, 0, 4, "golden"}, Case{"sim_ideal", true, 0, 0, "sim", "ideal"},
                      Case{"sim_hbm", true, 0, 0, "sim", "hbm"}, Case{"sim_synthetic_ddr4", false, 0, 0, "sim", "ddr4"},
                      Case{"demo_b1", true, 1, 4}, Case{"demo_b2", true, 2, 4},
                      Case{"demo_b3", true, 3, 4}, Case{"demo_b4", true, 4, 4}, Case{"demo_b5", true, 5, 2},
                      Case{"demo_b8", true, 8, 4}, Case{"demo_b16", true, 16, 3}, Case{"synthetic_b1", false, 1, 3},
                      Case{"synthetic_b3", false, 3, 3}, Case{"synthetic_b16", false, 16, 5}),
    [](const auto& info) { return std::string(info.param.name); });

// A prompt fed in one call: ceil(n / B) weight passes on the golden kernel model (the weight
// counters), and the same logits and state as the prompt fed one token per call.
TEST(BlockedPrefill, APromptCostsCeilNOverBPassesAndEqualsTokenByToken) {
  const Model& model = mmfree::test::demo_model();
  const auto tokens = mmfree::test::heldout_tokens(37);
  ASSERT_EQ(tokens.size(), 37u);
  const auto desc = mmfree::mmf::read_device_descriptor(model.image());
  std::vector<int32_t> state_by_token;
  std::vector<float> logits_by_token;
  for (const unsigned b : {1u, 2u, 4u, 5u, 16u}) {
    mmfree::device::GoldenDeviceConfig config;
    config.batch_lanes = b;
    const auto runtime = DeviceRuntime::create(model, mmfree::device::make_golden_device(config));
    const auto engine = mmfree::device::make_device_engine("golden-kernel", runtime);
    const SequenceId id = engine->open_sequence();
    const SequenceInput prompt{id, tokens, Outputs::All, OutputKind::Logits};
    const auto result = engine->decode(std::span(&prompt, 1), mmfree::Counters::Read);
    EXPECT_EQ(mmfree::device::counter_value(result.counters, "weight_bytes"),
              desc.weights_bytes * ((tokens.size() + b - 1) / b))
        << "B = " << b;
    EXPECT_EQ(mmfree::device::counter_value(result.counters, "tokens"), tokens.size());
    const auto state = runtime->read_state(0);
    if (b == 1) {
      // Token by token on a fresh B = 1 kernel: one call per token.
      const auto single = DeviceRuntime::create(model, mmfree::device::make_golden_device({.batch_lanes = 1}));
      const auto step_engine = mmfree::device::make_device_engine("golden-kernel", single);
      const SequenceId s = step_engine->open_sequence();
      for (const uint32_t t : tokens) {
        const SequenceInput one{s, std::span<const uint32_t>(&t, 1), Outputs::Last, OutputKind::Logits};
        const auto row = step_engine->decode(std::span(&one, 1)).outputs.front().logits;
        logits_by_token.insert(logits_by_token.end(), row.begin(), row.end());
      }
      state_by_token = single->read_state(0);
    }
    EXPECT_EQ(state, state_by_token) << "B = " << b;
    ASSERT_EQ(result.outputs.front().logits.size(), logits_by_token.size());
    EXPECT_EQ(std::memcmp(result.outputs.front().logits.data(), logits_by_token.data(),
                          logits_by_token.size() * sizeof(float)),
              0)
        << "B = " << b;
  }
}

}  // namespace
