#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "mmfree/error.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

namespace mmfree::test {

namespace {

using Clock = std::chrono::steady_clock;

// In the forked child: applies the environment, redirects the standard streams and execs.
// Never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const EnvironmentChanges& environment,
                             const std::filesystem::path& out_path, const std::filesystem::path& err_path) {
  // Its own process group, so that a time-out kills whatever it started too (a script's tools).
  ::setpgid(0, 0);
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

// Waits for the child to exit until `deadline`; true (with its status and usage) when it did.
// A pidfd wakes us the moment it exits; where the kernel has none, we poll every 20 ms.
bool wait_until(pid_t pid, Clock::time_point deadline, int& status, struct rusage& usage) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  bool exited = false;
  while (true) {
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) {
      exited = true;
      break;
    }
    if (done < 0 && errno != EINTR) {
      const int wait_errno = errno;
      if (pidfd >= 0) ::close(pidfd);
      throw Error(std::string("wait4 failed: ") + std::strerror(wait_errno));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    if (pidfd >= 0) {
      struct pollfd exit_event {pidfd, POLLIN, 0};
      ::poll(&exit_event, 1, static_cast<int>(std::min<int64_t>(left.count(), 60'000)));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(20)));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return exited;
}

}  // namespace

ChildResult run_child(const std::vector<std::string>& argv, const EnvironmentChanges& environment,
                      std::chrono::seconds time_limit) {
  if (argv.empty()) throw Error("run_child: empty command");
  // The child's output goes to files, not pipes: no risk of a full pipe blocking it while we wait.
  const TempDir capture;
  const std::filesystem::path out_path = capture.path() / "stdout";
  const std::filesystem::path err_path = capture.path() / "stderr";

  const Clock::time_point deadline = Clock::now() + time_limit;
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) exec_child(argv, environment, out_path, err_path);
  ::setpgid(pid, pid);  // as the child does: whichever runs first, the group exists before a kill

  ChildResult result;
  int status = 0;
  struct rusage usage {};
  if (!wait_until(pid, deadline, status, usage)) {
    result.timed_out = true;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    while (::wait4(pid, &status, 0, &usage) < 0) {
      if (errno != EINTR) throw Error(std::string("wait4 failed: ") + std::strerror(errno));
    }
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.peak_rss_bytes = uint64_t(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  if (result.timed_out)
    result.err += "run_child: " + argv[0] + " killed after running past its limit of " +
                  std::to_string(time_limit.count()) + " s\n";
  if (result.exit_code == 127 && result.err.rfind("cannot run " + argv[0], 0) == 0)
    throw Error(result.err.substr(0, result.err.size() - 1));
  return result;
}

const std::string& python3() {
  static const std::string interpreter = [] {
    const ChildResult r = run_child({"python3", "-c", "import sys; print(sys.executable)"});
    const std::string path = r.out.substr(0, r.out.find('\n'));
    return r.exit_code == 0 && !path.empty() ? path : std::string("python3");
  }();
  return interpreter;
}

}  // namespace mmfree::test
