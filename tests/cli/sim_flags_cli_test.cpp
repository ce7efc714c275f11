// Flags of the sim backend that no other test passes (issue 18 finding 7): --memory, --trace and
// --timeout on the sim backend, through `mmfree logits`; generate's stop at EOS and its text on sim. The logits of the sim backend must be
// those of the golden backend whatever the memory model, and with the traced Verilated model
// (built with other flags than the fast one) too; a timeout must stop a command with a message
// that says where the kernel was.
// Cost: ~5 s CPU (the demo model on the sim backend: 2 x 3 tokens, 1 traced token writing a
// ~25 MB waveform, a command stopped after microseconds, 23 generated tokens).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/coverage_gap.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace mmfree::test;

CliResult logits(const std::vector<std::string>& extra, const std::string& ids) {
  std::vector<std::string> args = {"logits", "--model", demo_model_dir().string(), "--ids", ids, "--all", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

nlohmann::json positions(const CliResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out)["positions"] : nlohmann::json();
}

// A build without the Verilated kernel: the sim backend is missing (host-only build) or refuses.
bool sim_not_built(const CliResult& r) {
  return r.exit_code != 0 &&
         (contains(r.err + r.out, "no Verilated kernel") || contains(r.err + r.out, "unknown backend 'sim'") ||
          contains(r.err + r.out, "unrecognised option '--memory'") ||
          contains(r.err + r.out, "unrecognised option '--trace'"));
}

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
  const auto r = run_cli({"logits", "--model", demo_model_dir().string(), "--backend", "sim", "--timeout", "0.001", "--ids",
                          "1,450"});
  if (sim_not_built(r)) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "did not finish: timeout of 0.001 s")) << r.err;
  EXPECT_TRUE(contains(r.err, "m_axi_gmem:")) << r.err;
}

TEST(SimFlagsCli, UnknownMemoryModelIsRefusedWithTheKnownOnes) {
  const auto r = run_cli({"logits", "--model", demo_model_dir().string(), "--backend", "sim", "--memory", "nope", "--ids", "1"});
  EXPECT_NE(r.exit_code, 0);
  if (sim_not_built(r) && !contains(r.err, "unknown memory preset"))
    MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no sim backend");
  EXPECT_TRUE(contains(r.err, "unknown memory preset 'nope' (known: ideal, hbm, ddr4, hbm-sustained, ddr4-sustained)")) << r.err;
}

// `generate` stops at EOS unless --ignore-eos: on "The jury said" the greedy golden text reaches
// EOS after 23 tokens (achieved), well before -n 64.
TEST(GenerateCliStops, StopsAtEndOfSequenceUnlessToldToIgnoreIt) {
  const std::vector<std::string> common = {"generate", "--model", demo_model_dir().string(), "--backend", "golden",
                                           "-p", "The jury said", "-n", "64", "--stats"};
  const auto stopped = run_cli(common);
  std::vector<std::string> ignoring = common;
  ignoring.push_back("--ignore-eos");
  const auto full = run_cli(ignoring);
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_FALSE(contains(stopped.err, "64 tokens generated")) << stopped.err;
  EXPECT_TRUE(contains(full.err, "64 tokens generated")) << full.err;
  // The same greedy text, cut where EOS came.
  ASSERT_FALSE(stopped.out.empty());
  const std::string text = stopped.out.substr(0, stopped.out.find_last_not_of('\n') + 1);
  EXPECT_EQ(full.out.rfind(text, 0), 0u) << "stopped: " << stopped.out << "\nfull: " << full.out;
  EXPECT_GT(full.out.size(), text.size() + 20);
}

// generate's text on the sim backend is the golden backend's (greedy, up to EOS: 23 tokens).
TEST(GenerateCliBackends, SimTextEqualsGoldenText) {
  const auto run = [](const char* backend) {
    return run_cli({"generate", "--model", demo_model_dir().string(), "--backend", backend, "-p", "The jury said", "-n", "64"});
  };
  const auto golden = run("golden");
  const auto sim = run("sim");
  ASSERT_EQ(golden.exit_code, 0) << golden.err;
  if (sim_not_built(sim)) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  EXPECT_EQ(sim.out, golden.out);
  EXPECT_GT(golden.out.size(), 40u);
}

}  // namespace
