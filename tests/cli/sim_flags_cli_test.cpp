// Flags of the sim backend that no other test passes (issue 18 finding 7): --memory, --trace and
// --timeout on the sim backend, through `mmfree logits`. The logits of the sim backend must be
// those of the golden backend whatever the memory model, and with the traced Verilated model
// (built with other flags than the fast one) too; a timeout must stop a command with a message
// that says where the kernel was.
// Cost: ~4 s CPU (the demo model on the sim backend: 2 x 3 tokens, 1 traced token writing a
// ~25 MB waveform, and a command stopped after microseconds).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../support/coverage_gap.hpp"
#include "cli_runner.hpp"

namespace {

using namespace mmfree::test;

CliResult logits(const std::vector<std::string>& extra, const std::string& ids) {
  std::vector<std::string> args = {"logits", "--model", demo_model_path(), "--ids", ids, "--all", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

nlohmann::json positions(const CliResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out)["positions"] : nlohmann::json();
}

bool sim_not_built(const CliResult& r) { return r.exit_code != 0 && contains(r.err + r.out, "no Verilated kernel"); }

TEST(SimFlagsCli, SimLogitsEqualGoldenOnTheHbmAndDdr4MemoryModels) {
  const std::string ids = "1,450,3000";
  const auto golden = positions(logits({"--backend", "golden"}, ids));
  ASSERT_EQ(golden.size(), 3u);
  for (const char* memory : {"hbm", "ddr4"}) {
    const auto sim = logits({"--backend", "sim", "--memory", memory}, ids);
    if (sim_not_built(sim)) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
    EXPECT_EQ(positions(sim), golden) << "--memory " << memory;
  }
}

TEST(SimFlagsCli, TracedSimModelWritesAWaveformAndGivesTheSameLogits) {
  const auto placeholder = unique_temp_file("mmfree-trace");
  const std::filesystem::path trace = placeholder.string() + ".fst";
  const std::string ids = "1";
  const auto golden = positions(logits({"--backend", "golden"}, ids));
  const auto sim = logits({"--backend", "sim", "--trace", trace.string()}, ids);
  std::filesystem::remove(placeholder);
  if (sim_not_built(sim)) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  EXPECT_EQ(positions(sim), golden);
  ASSERT_TRUE(std::filesystem::exists(trace));
  EXPECT_GT(std::filesystem::file_size(trace), 1000u) << "an FST with the kernel's signals";
  std::filesystem::remove(trace);
}

TEST(SimFlagsCli, TimeoutStopsASimCommandAndSaysWhereTheKernelWas) {
  const auto r = run_cli({"logits", "--model", demo_model_path(), "--backend", "sim", "--timeout", "0.000001", "--ids",
                          "1,450"});
  if (sim_not_built(r)) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "did not finish: timeout of 1e-06 s")) << r.err;
  EXPECT_TRUE(contains(r.err, "m_axi_gmem:")) << r.err;
}

TEST(SimFlagsCli, UnknownMemoryModelIsRefusedWithTheKnownOnes) {
  const auto r = run_cli({"logits", "--model", demo_model_path(), "--backend", "sim", "--memory", "nope", "--ids", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "unknown memory preset 'nope' (known: ideal, hbm, ddr4)")) << r.err;
}

}  // namespace
