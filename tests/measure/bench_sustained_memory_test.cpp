// `mmfree bench --shape ... --memory both`: every board projected twice, under its nominal memory
// bandwidth (the figures published so far) and under the bandwidth measured on real boards
// (sim/src/memory_timing.cpp's *-sustained presets, Shuhai), one row each.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.hpp"

namespace {

using mmfree::test::run_cli;

using mmfree::test::contains;

TEST(BenchSustainedMemory, UnknownMemoryIsRefused) {
  const auto r = run_cli({"bench", "--backend", "sim", "--shape", "370M", "--board", "u250", "--layers", "1", "--memory",
                          "fast"});
  EXPECT_NE(r.exit_code, 0);
#if !MMFREE_MEASURE_HAS_SIM
  if (contains(r.output(), "unrecognised option '--memory'")) GTEST_SKIP() << "host-only build: no sim backend";
#endif
  EXPECT_TRUE(contains(r.output(), "nominal, sustained or both")) << r.output();
}

#if MMFREE_MEASURE_HAS_SIM
TEST(BenchSustainedMemory, BothRowsAndTheSustainedOneIsSlower) {
  const auto r = run_cli({"bench", "--backend", "sim", "--shape", "370M", "--board", "u250", "--layers", "1", "--memory",
                          "both", "--json"});
  if (r.exit_code != 0 && contains(r.out, "no Verilated kernel")) GTEST_SKIP() << "this build has no Verilated kernel";
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 2u);
  const auto& nominal = rows[0];
  const auto& sustained = rows[1];
  EXPECT_EQ(nominal["memory"], "nominal");
  EXPECT_EQ(sustained["memory"], "sustained");
  EXPECT_EQ(nominal["board"], "u250");
  EXPECT_EQ(sustained["board"], "u250");
  // U250: 4 x 19.2 GB/s nominal (platform.toml says 77); sustained 18.0 of 19.2 per channel.
  EXPECT_DOUBLE_EQ(nominal["memory_bandwidth_gbps"].get<double>(), 77.0);
  EXPECT_NEAR(sustained["memory_bandwidth_gbps"].get<double>(), 77.0 * 18.0 / 19.2, 1e-9);
  EXPECT_TRUE(contains(sustained["label"], "as measured")) << sustained["label"];
  EXPECT_FALSE(contains(nominal["label"], "as measured")) << nominal["label"];
  // Less bandwidth per port: more cycles, fewer tokens, a lower bound.
  EXPECT_GT(sustained["cycles_per_token"].get<double>(), nominal["cycles_per_token"].get<double>());
  EXPECT_LT(sustained["tokens_per_second"].get<double>(), nominal["tokens_per_second"].get<double>());
  EXPECT_LT(sustained["bandwidth_bound_tokens_per_second"].get<double>(),
            nominal["bandwidth_bound_tokens_per_second"].get<double>());
  EXPECT_LE(sustained["fraction_of_bandwidth_bound"].get<double>(), 1.0);
}
#endif

}  // namespace
