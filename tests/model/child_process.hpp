// Running the `mmfree` CLI as a child process, capturing its output and peak memory.
#pragma once

#include <string>
#include <vector>

#include "../support/child_process.hpp"

namespace mmfree::test {

// Runs MMFREE_CLI_PATH with `args`, waiting for it to finish.
inline ChildResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {MMFREE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_child(argv);
}

}  // namespace mmfree::test
