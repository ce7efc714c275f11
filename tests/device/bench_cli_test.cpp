// `mmfree bench`, run as a user runs it: the real binary on the demo model.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "demo_fixture.hpp"
#include "mmfree/mmf_format.hpp"
#include "support/cli_runner.hpp"

namespace {

using mmfree::test::run_cli;

const std::string kModel = mmfree::test::demo_model_dir().string();

TEST(BenchCli, JsonHasBothTestsWithOneSamplePerRepetitionAndTheDeviceCounters) {
  const auto r =
      run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "-p", "16", "-n", "8", "-r", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto results = nlohmann::json::parse(r.out);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["test"], "pp16");
  EXPECT_EQ(results[1]["test"], "tg8");
  const auto descriptor = mmfree::mmf::read_device_descriptor(mmfree::test::demo_model().image());
  for (const auto& entry : results) {
    EXPECT_EQ(entry["backend"], "golden-kernel");
    ASSERT_EQ(entry["samples_ts"].size(), 2u);
    for (const auto& sample : entry["samples_ts"]) EXPECT_GT(sample.get<double>(), 0.0);
    EXPECT_GE(entry["stddev_ts"].get<double>(), 0.0);
  }
  // The prefill went to the device as one command of 4 passes over a chain of the default
  // kernel's 4 lanes (prefill blocks); decode as single-token commands.
  EXPECT_EQ(results[0]["counters"]["tokens"], 16);
  EXPECT_EQ(results[0]["counters"]["weight_bytes"], 4 * descriptor.weights_bytes);
  EXPECT_EQ(results[1]["counters"]["tokens"], 1);
  EXPECT_EQ(results[0]["batch"], 1);
  EXPECT_GT(results[0]["time_to_first_token_s"].get<double>(), 0.0);
}

TEST(BenchCli, BatchRunsSequencesTogetherInTheKernelsLanes) {
  // Three sequences on a 4-lane kernel: tg's last call is one pass of three lanes; pp's three
  // prompts of 16 share 12 passes (48 lane-tokens over 4 lanes).
  const auto r = run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "-p", "16", "-n", "4", "-r", "1",
                          "--batch", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto results = nlohmann::json::parse(r.out);
  ASSERT_EQ(results.size(), 2u);
  const auto descriptor = mmfree::mmf::read_device_descriptor(mmfree::test::demo_model().image());
  EXPECT_EQ(results[0]["batch"], 3);
  EXPECT_EQ(results[0]["counters"]["tokens"], 48);
  EXPECT_EQ(results[0]["counters"]["weight_bytes"], 12 * descriptor.weights_bytes);
  EXPECT_EQ(results[1]["counters"]["tokens"], 3);
  EXPECT_EQ(results[1]["counters"]["weight_bytes"], descriptor.weights_bytes);
  for (const auto& entry : results)
    EXPECT_DOUBLE_EQ(entry["avg_ts_per_sequence"].get<double>(), entry["avg_ts"].get<double>() / 3);
  // The table says what the figures count.
  const auto table = run_cli({"bench", "--backend", "golden", "--model", kModel, "-p", "4", "-n", "2", "-r", "1",
                              "--batch", "2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("| golden | pp4 | 2 |"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("per sequence = t/s / 2"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("pp4: time to first token"), std::string::npos) << table.out;
  // More sequences than the device has state slots.
  EXPECT_EQ(run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "--batch", "17"}).exit_code, 2);
}

TEST(BenchCli, TableNamesTheTestsForAHostBackend) {
  const auto r = run_cli({"bench", "--backend", "reference", "--model", kModel, "-p", "4", "-n", "4", "-r", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("| reference | pp4 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| reference | tg4 |"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("device counters"), std::string::npos) << "the reference backend has no device";
}

TEST(BenchCli, SelftestTimesOneWeightPassPerRun) {
  const auto r = run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "--selftest", "-r", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto results = nlohmann::json::parse(r.out);
  ASSERT_EQ(results.size(), 1u) << "only the self-test, no pp/tg";
  EXPECT_EQ(results[0]["test"], "selftest");
  EXPECT_EQ(results[0]["samples_ts"].size(), 2u);
  const auto descriptor = mmfree::mmf::read_device_descriptor(mmfree::test::demo_model().image());
  EXPECT_EQ(results[0]["counters"]["tokens"], 0);
  EXPECT_EQ(results[0]["counters"]["weight_bytes"], descriptor.weights_bytes);
  // A host backend has no kernel to self-test.
  EXPECT_EQ(run_cli({"bench", "--backend", "golden", "--model", kModel, "--selftest"}).exit_code, 2);
}

TEST(BenchCli, BadFlagsAreUsageErrors) {
  EXPECT_EQ(run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "-p", "0", "-n", "0"}).exit_code, 2);
  EXPECT_EQ(run_cli({"bench", "--backend", "golden-kernel", "--model", kModel, "-r", "0"}).exit_code, 2);
  EXPECT_EQ(run_cli({"bench", "--backend", "nonsense", "--model", kModel}).exit_code, 2);
}

TEST(BenchCli, XrtWithoutBoardFailsWithOneClearLine) {
  if (!MMFREE_BACKEND_XRT) GTEST_SKIP() << "this build has no XRT (-DMMFREE_BACKEND_XRT=OFF): no xrt backend";
  const auto r = run_cli({"bench", "--backend", "xrt", "--xclbin", "/nonexistent/k.xclbin", "--model", kModel});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output().find("xclbin '/nonexistent/k.xclbin' does not exist"), std::string::npos) << r.output();
}

}  // namespace
