// Test support shared by suites that run real programs (the `mmfree` binary, verilator,
// python3, tclsh): a self-removing temporary directory, and running a child process with its
// stdout/stderr captured. Header-only; include it by path ("../support/child_process.hpp").
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "mmfree/error.hpp"

namespace mmfree::test {

// A fresh directory under the system temp directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mmfree-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw Error("cannot create a temporary directory from " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ChildResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
  uint64_t peak_rss_bytes = 0;  // ru_maxrss of the child, from wait4
};

// Environment changes for the child: a value sets the variable, std::nullopt removes it.
using EnvironmentChanges = std::map<std::string, std::optional<std::string>>;

namespace child_process_detail {

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace child_process_detail

// Runs argv (argv[0] looked up in the child's PATH, after `environment` is applied) with
// stdin from /dev/null and waits for it. Throws mmfree::Error when the program cannot be
// started at all.
inline ChildResult run_child(const std::vector<std::string>& argv, const EnvironmentChanges& environment = {}) {
  if (argv.empty()) throw Error("run_child: empty command");
  // The child's output goes to files, not pipes: no risk of a full pipe blocking it while we wait.
  TempDir capture;
  const std::filesystem::path out_path = capture.path() / "stdout";
  const std::filesystem::path err_path = capture.path() / "stderr";

  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    for (const auto& [name, value] : environment) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) ::_exit(126);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    const std::string message = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw Error(std::string("wait4 failed: ") + std::strerror(errno));
  }
  ChildResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.peak_rss_bytes = uint64_t(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
  result.out = child_process_detail::slurp(out_path);
  result.err = child_process_detail::slurp(err_path);
  if (result.exit_code == 127 && result.err.rfind("cannot run " + argv[0], 0) == 0)
    throw Error(result.err.substr(0, result.err.size() - 1));
  return result;
}

}  // namespace mmfree::test
