// How fast the simulation runs the demo model: a benchmark that prints (speed is never
// asserted) and checks what it measured against the golden backend and the kernel's counters.
//
// Printed per memory preset: kernel cycles per token (the kernel's own `cycles` counter),
// weight bytes per cycle, host CPU seconds per token, and from them simulated cycles and demo
// tokens per CPU second (CPU time, not wall time, so that a loaded machine does not distort it).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "demo_model.hpp"
#include "mmfree/backends.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/sim/sim_engine.hpp"

namespace mmfree::sim_test {
namespace {

constexpr int kTokens = 8;

uint64_t counter(const std::vector<device::Counter>& counters, const std::string& name) {
  for (const auto& c : counters)
    if (c.name == name) return c.value;
  ADD_FAILURE() << "the kernel has no counter " << name;
  return 0;
}

class SimSpeed : public ::testing::TestWithParam<std::string> {};

TEST_P(SimSpeed, DemoTokensPerCpuSecond) {
  sim::SimEngineOptions options;
  options.memory_preset = GetParam();
  auto engine = sim::make_sim_engine(demo_model(), options);
  Sequence sequence(*engine, Counters::Read);
  auto golden_engine = make_engine("golden", demo_model());
  Sequence golden(*golden_engine);

  uint32_t token = demo_model().config().bos_token_id;
  uint64_t cycles = 0, weight_bytes = 0;
  double cpu_seconds = 0;
  for (int t = 0; t < kTokens; ++t) {
    const std::clock_t began = std::clock();
    const auto logits = sequence.step(token);
    cpu_seconds += double(std::clock() - began) / CLOCKS_PER_SEC;
    const auto counters = sequence.counters();
    EXPECT_EQ(counter(counters, "tokens"), 1u) << "one token per step command";
    cycles += counter(counters, "cycles");
    weight_bytes += counter(counters, "weight_bytes");
    const auto expected = golden.step(token);
    ASSERT_EQ(logits.size(), expected.size());
    ASSERT_EQ(std::memcmp(logits.data(), expected.data(), logits.size() * sizeof(float)), 0) << "token " << t;
    token = static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  std::printf("[ sim speed ] %-6s demo model, %d tokens: %.0f kernel cycles/token, %.1f weight B/cycle, "
              "%.3f CPU s/token: %.0f simulated cycles/CPU s, %.2f demo tokens/CPU s\n",
              GetParam().c_str(), kTokens, double(cycles) / kTokens, double(weight_bytes) / double(cycles),
              cpu_seconds / kTokens, double(cycles) / cpu_seconds, kTokens / cpu_seconds);
}

// ideal: the kernel-bound figure; hbm: one HBM pseudo-channel per port, as on a U55C.
INSTANTIATE_TEST_SUITE_P(Presets, SimSpeed, ::testing::Values("ideal", "hbm"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mmfree::sim_test
