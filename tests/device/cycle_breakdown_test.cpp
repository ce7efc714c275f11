// The cycle breakdown (mmfree/device/cycle_breakdown.hpp) as `mmfree generate --stats` and
// `mmfree bench` print it: read from the cause_*_cycles counters, shares of `cycles`, and only
// shown when the causes account for every cycle (never on the zero-time golden kernel).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mmfree/device/cycle_breakdown.hpp"
#include "mmfree/regmap.hpp"
#include "support/cli_runner.hpp"
#include "support/coverage_gap.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::device::Counter;
using mmfree::device::cycle_breakdown;
using mmfree::device::CycleBreakdown;
using mmfree::test::contains;
using mmfree::test::run_cli;

const std::string kModel = mmfree::test::demo_model_dir().string();

TEST(CycleBreakdown, ReadsTheRegisterMapsCauseCounters) {
  // The names the breakdown reads are the register map's (a rename there must fail here).
  std::vector<Counter> counters;
  uint64_t value = 1000;
  for (const auto& c : mmfree::regmap::kCounters) counters.push_back({std::string(c.name), 0});
  const auto set = [&](const std::string& name, uint64_t v) {
    for (auto& c : counters)
      if (c.name == name) {
        c.value = v;
        return;
      }
    ADD_FAILURE() << "the register map has no counter " << name;
  };
  set("cycles", value);
  set("cause_streaming_cycles", 610);
  set("cause_weight_memory_cycles", 120);
  set("cause_element_wise_cycles", 240);
  set("cause_control_cycles", 30);
  const CycleBreakdown b = cycle_breakdown(counters);
  EXPECT_TRUE(b.available());
  EXPECT_EQ(b.describe(), "61.0% streaming, 12.0% weight-memory stall, 24.0% element-wise, 3.0% control");
  const auto json = b.to_json();
  EXPECT_EQ(json["cycles"], 1000u);
  EXPECT_EQ(json["weight_memory_stall_cycles"], 120u);
  EXPECT_DOUBLE_EQ(json["element_wise_share"].get<double>(), 0.24);
}

TEST(CycleBreakdown, NotAvailableUnlessTheCausesAccountForEveryCycle) {
  EXPECT_FALSE(CycleBreakdown{}.available());  // nothing counted: the golden kernel
  CycleBreakdown b{.cycles = 100, .streaming = 50, .weight_memory = 10, .element_wise = 20, .control = 19};
  EXPECT_FALSE(b.available());
  b.control = 20;
  EXPECT_TRUE(b.available());
  // A kernel built before the causes existed reports cycles but no causes.
  EXPECT_FALSE(cycle_breakdown(std::vector<Counter>{{"cycles", 100}}).available());
  CycleBreakdown sum = b;
  sum += b;
  EXPECT_EQ(sum.cycles, 200u);
  EXPECT_EQ(sum.element_wise, 40u);
  EXPECT_TRUE(sum.available());
  EXPECT_DOUBLE_EQ(sum.share(sum.streaming), 0.5);
}

TEST(CycleBreakdownCli, GoldenKernelBenchPrintsNoBreakdown) {
  const auto r =
      run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "-p", "0", "-n", "2", "-r", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const auto& entry : nlohmann::json::parse(r.out)) EXPECT_FALSE(entry.contains("cycle_breakdown")) << entry.dump();
}

TEST(CycleBreakdownCli, SimBenchCarriesTheBreakdownOfEveryCycle) {
  if (!MMFREE_DEVICE_TEST_HAS_SIM) GTEST_SKIP() << "host-only build: no sim backend";
  const auto r = run_cli({"bench", "--backend", "sim", "--model", kModel, "-p", "0", "-n", "2", "-r", "1", "--json"});
  if (r.exit_code != 0 &&
      contains(run_cli({"bench", "--backend", "sim", "--model", kModel, "-p", "0", "-n", "1", "-r", "1"}).output(),
               "no Verilated kernel"))
    MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto results = nlohmann::json::parse(r.out);
  ASSERT_FALSE(results.empty());
  for (const auto& entry : results) {
    ASSERT_TRUE(entry.contains("cycle_breakdown")) << entry.dump();
    const auto& b = entry["cycle_breakdown"];
    const uint64_t cycles = entry["counters"]["cycles"];
    EXPECT_EQ(b["cycles"], cycles);
    EXPECT_EQ(b["streaming_cycles"].get<uint64_t>() + b["weight_memory_stall_cycles"].get<uint64_t>() +
                  b["element_wise_cycles"].get<uint64_t>() + b["control_cycles"].get<uint64_t>(),
              cycles);
    EXPECT_GT(b["element_wise_cycles"].get<uint64_t>(), 0u);  // a decode token
  }
  const auto table = run_cli({"bench", "--backend", "sim", "--model", kModel, "-p", "0", "-n", "1", "-r", "1"});
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_TRUE(contains(table.out, "  cycles: ")) << table.out;
  EXPECT_TRUE(contains(table.out, "% weight-memory stall, ")) << table.out;
}

TEST(CycleBreakdownCli, GenerateStatsPrintsTheDecodeTokenBreakdown) {
  if (!MMFREE_DEVICE_TEST_HAS_SIM) GTEST_SKIP() << "host-only build: no sim backend";
  const auto r = run_cli(
      {"generate", "--backend", "sim", "--model", kModel, "--prompt", "The jury said", "--tokens", "3", "--stats"});
  const std::string output = r.output();
  if (r.exit_code != 0 && contains(output, "no Verilated kernel")) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  ASSERT_EQ(r.exit_code, 0) << output;
  const auto at = output.find("decode token cycles: ");
  ASSERT_NE(at, std::string::npos) << output;
  double streaming = -1, memory = -1, element_wise = -1, control = -1;
  ASSERT_EQ(std::sscanf(output.c_str() + at,
                        "decode token cycles: %lf%% streaming, %lf%% weight-memory stall, %lf%% element-wise, "
                        "%lf%% control",
                        &streaming, &memory, &element_wise, &control),
            4)
      << output;
  EXPECT_GT(streaming, 0.0);
  EXPECT_GT(element_wise, 0.0);
  // Four shares of the same cycles, each printed to 0.1%.
  EXPECT_NEAR(streaming + memory + element_wise + control, 100.0, 0.2);
}

}  // namespace
