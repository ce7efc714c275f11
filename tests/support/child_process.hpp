// Running a real program (the `mmfree` binary, verilator, yosys, python3, tclsh, a script) as a
// child process of a test, with its stdout and stderr captured and a time limit: a hung child
// is killed and fails its test instead of hanging CI until CTest's own timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmfree::test {

struct ChildResult {
  int exit_code = -1;           // the exit status, or 128 + signal number when killed by a signal
  std::string out;              // stdout
  std::string err;              // stderr (with a last line saying so when the time limit killed it)
  uint64_t peak_rss_bytes = 0;  // ru_maxrss of the child, from wait4
  bool timed_out = false;       // killed for running past its time limit

  // stdout then stderr, for checks that do not care which stream a message went to.
  std::string output() const { return out + err; }
};

// Environment changes for the child: a value sets the variable, std::nullopt removes it.
using EnvironmentChanges = std::map<std::string, std::optional<std::string>>;

// The slowest programs the tests run (scripts/lint.sh, a Yosys synthesis, a simulated bench)
// take about 10 s on an idle 2-core machine; 300 s leaves them room on a loaded one and stays
// well under CTest's per-test limit (900 s), so a hang is reported by the test that caused it.
inline constexpr std::chrono::seconds kChildTimeLimit{300};

// Runs argv (argv[0] looked up in the child's PATH, after `environment` is applied) with stdin
// from /dev/null and waits for it, at most `time_limit`; past it the child and everything it
// started (its process group) are killed. Throws mmfree::Error when the program cannot be
// started at all.
ChildResult run_child(const std::vector<std::string>& argv, const EnvironmentChanges& environment = {},
                      std::chrono::seconds time_limit = kChildTimeLimit);

// The interpreter `python3` on PATH runs, resolved once per process: version managers put slow
// shims on PATH, and some suites start Python many times.
const std::string& python3();

}  // namespace mmfree::test
