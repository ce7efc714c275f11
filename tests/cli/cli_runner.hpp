// Runs the built `mmfree` binary (MMFREE_CLI_PATH) and captures exit code, stdout, stderr;
// the runner itself is tests/support/child_process.hpp.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/child_process.hpp"

namespace mmfree::test {

using CliResult = ChildResult;

// A file name of our own in the temp directory (tests may run in parallel).
inline std::filesystem::path unique_temp_file(const char* stem) {
  std::string name = stem;
  name.append("-XXXXXX");
  std::string pattern = (std::filesystem::temp_directory_path() / name).string();
  const int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

inline CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {MMFREE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_child(argv);
}

inline std::string demo_model_path() { return std::string(MMFREE_ASSETS_DIR) + "/models/mmfree-demo-d256-l6"; }
inline std::string heldout_path() { return std::string(MMFREE_ASSETS_DIR) + "/data/heldout.txt"; }

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace mmfree::test
