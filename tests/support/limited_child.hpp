// Running the `mmfree` binary on hostile input, where the failure to guard against is a hang or
// unbounded memory: the child gets a wall-clock limit (SIGALRM, which survives exec) and, in
// builds without AddressSanitizer (whose shadow memory a data limit would forbid), a 1 GiB data
// limit. A child stopped either way reports 128 + the signal, or a non-zero exit, so a test
// expecting a clean refusal fails rather than hanging the suite or the machine.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "mmfree/error.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define MMFREE_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MMFREE_TEST_UNDER_ASAN 1
#endif
#endif

namespace mmfree::test {

inline constexpr unsigned kLimitedChildSeconds = 60;
inline constexpr rlim_t kLimitedChildDataBytes = rlim_t(1) << 30;

// Runs MMFREE_CLI_PATH with `args` under the limits above; stdin is /dev/null.
inline ChildResult run_cli_limited(const std::vector<std::string>& args, unsigned seconds = kLimitedChildSeconds) {
  TempDir capture;
  const auto out_path = capture.path() / "stdout";
  const auto err_path = capture.path() / "stderr";
  std::vector<std::string> argv = {MMFREE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
#ifndef MMFREE_TEST_UNDER_ASAN
    const struct rlimit data {kLimitedChildDataBytes, kLimitedChildDataBytes};
    ::setrlimit(RLIMIT_DATA, &data);
#endif
    ::alarm(seconds);
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) ::_exit(126);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  ChildResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

}  // namespace mmfree::test
