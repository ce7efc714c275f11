// Runs the built `mmfree` binary (MMFREE_CLI_PATH) through the shell with one command line, the
// way a user types it, and captures its exit code and stdout (with stderr when asked). For argv
// vectors and separate stderr, use child_process.hpp's run_child.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace mmfree::test {

struct CliOutcome {
  int exit_code = -1;
  std::string out;  // stdout, or stdout and stderr together when asked
};

inline CliOutcome run_cli_line(const std::string& arguments, bool with_stderr = false) {
  const std::string command =
      std::string(MMFREE_CLI_PATH) + " " + arguments + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliOutcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return outcome;
  std::array<char, 4096> chunk;
  std::size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0) outcome.out.append(chunk.data(), n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

}  // namespace mmfree::test
