// Runs a program as a child process and collects what it printed and how it ended: the board-flow
// tests drive real tools (build_xclbin.sh, verilator, python3, tclsh) this way.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace board_flow {

struct ChildResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// Environment changes for the child: a value sets the variable, std::nullopt removes it.
using EnvironmentChanges = std::map<std::string, std::optional<std::string>>;

// argv[0] is looked up in PATH (the child's PATH, after `environment` is applied).
// Throws mmfree::Error when the program cannot be started at all.
ChildResult run_child(const std::vector<std::string>& argv, const EnvironmentChanges& environment = {});

// The interpreter `python3` on PATH runs, resolved once per process: version managers put slow
// shims on PATH, and the tests start Python many times.
const std::string& python3();

// A fresh directory under the system temp directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace board_flow
