// The backends' own options on the command line: a flag the chosen backend does not take is a
// usage error naming the flag and the backend, not silently ignored.
#include <gtest/gtest.h>

#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace mmfree::test;

TEST(EngineFlagsCli, FlagOfAnotherBackendIsAUsageErrorNamingBoth) {
  const auto r = run_cli({"generate", "--model", demo_model_dir().string(), "--backend", "golden", "--timeout", "5",
                          "--prompt", "The jury", "-n", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--timeout is not an option of backend 'golden' (it takes none)")) << r.err;
  EXPECT_TRUE(r.out.empty()) << "nothing runs: " << r.out;
}

TEST(EngineFlagsCli, DeviceFlagOnADeviceBackendIsTaken) {
  const auto r = run_cli({"logits", "--model", demo_model_dir().string(), "--backend", "golden-kernel", "--timeout", "30",
                          "--ids", "1,349"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto bad = run_cli({"logits", "--model", demo_model_dir().string(), "--backend", "golden-kernel", "--timeout",
                            "soon", "--ids", "1,349"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "('soon') for option '--timeout' is invalid: it must be a number from 0.001 to")) << bad.err;
}

TEST(EngineFlagsCli, CompareRefusesAFlagNoneOfItsBackendsTakes) {
  const auto r = run_cli({"compare", "--model", demo_model_dir().string(), "--backends", "reference,golden", "--timeout", "5",
                          "--text-file", heldout_text_path().string(), "--max-tokens", "64"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--timeout is not an option of any of the backends reference, golden")) << r.err;
}

TEST(EngineFlagsCli, HelpNamesTheBackendsOfEachFlag) {
  const auto r = run_cli({"generate", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // (Boost wraps the help lines; this piece stays on one line. Which backends follow depends on
  // the build: xrt and sim are optional.)
  EXPECT_TRUE(contains(r.out, "--timeout arg              golden-kernel, ")) << r.out;
}

}  // namespace
