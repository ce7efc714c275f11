// The shared test-support runner (tests/support/child_process.hpp): what every suite that runs
// a real program relies on. A child past its time limit is killed with everything it started,
// and the test that ran it fails instead of hanging CI.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "mmfree/error.hpp"
#include "support/child_process.hpp"
#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

namespace {

using mmfree::test::run_child;

TEST(RunChild, CapturesBothStreamsAndTheExitStatus) {
  const auto r = run_child({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.output(), "out\nerr\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(RunChild, AppliesTheEnvironmentChanges) {
  const auto r = run_child({"sh", "-c", "echo \"$MMFREE_SET:${HOME-unset}\""},
                           {{"MMFREE_SET", "yes"}, {"HOME", std::nullopt}});
  EXPECT_EQ(r.out, "yes:unset\n");
}

TEST(RunChild, AProgramThatCannotStartIsAnError) {
  EXPECT_THROW(run_child({"/nonexistent/program"}), mmfree::Error);
}

// Whether process `pid` is gone or dead (a killed orphan may linger as a zombie until reaped).
bool dead(const std::string& pid) {
  const std::string stat = [&] {
    try {
      return mmfree::test::read_file("/proc/" + pid + "/stat");
    } catch (const std::exception&) {
      return std::string();
    }
  }();
  const auto state = stat.find(") ");
  return stat.empty() || (state != std::string::npos && stat[state + 2] == 'Z');
}

TEST(RunChild, KillsAChildAndWhatItStartedPastTheTimeLimit) {
  const mmfree::test::TempDir tmp;
  const auto pid_file = tmp.path() / "grandchild.pid";
  const auto start = std::chrono::steady_clock::now();
  // The shell waits for a grandchild: killing only the shell would leave the sleep running.
  const auto r =
      run_child({"sh", "-c", "sleep 60 & echo $! > " + pid_file.string() + "; wait"}, {}, std::chrono::seconds(1));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + 9);  // SIGKILL
  EXPECT_NE(r.err.find("past its limit of 1 s"), std::string::npos) << r.err;
  EXPECT_LT(took, std::chrono::seconds(30));
  std::string grandchild = mmfree::test::read_file(pid_file);
  grandchild.erase(grandchild.find_last_not_of('\n') + 1);
  ASSERT_FALSE(grandchild.empty());
  // SIGKILL is delivered at once, but give a loaded machine a moment to act on it.
  for (int k = 0; k < 100 && !dead(grandchild); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(dead(grandchild)) << "the grandchild " << grandchild << " survived";
}

TEST(RunCli, RunsTheBuiltBinary) {
  const auto r = mmfree::test::run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(mmfree::test::contains(r.output(), "generate")) << r.output();
}

}  // namespace
