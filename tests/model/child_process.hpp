// Running the `mmfree` CLI as a child process, capturing its output and peak memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mmfree::test {

struct ChildResult {
  int exit_code = -1;        // -1 when killed by a signal
  std::string out;           // stdout
  std::string err;           // stderr
  uint64_t peak_rss_bytes = 0;  // ru_maxrss of the child, from wait4
};

// Runs MMFREE_CLI_PATH with `args`, waiting for it to finish.
ChildResult run_cli(const std::vector<std::string>& args);

}  // namespace mmfree::test
