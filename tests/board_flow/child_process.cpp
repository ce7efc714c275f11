#include "child_process.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mmfree/error.hpp"

namespace board_flow {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "mmfree-board-flow-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw mmfree::Error("cannot create a temporary directory from " + pattern + ": " + std::strerror(errno));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

const std::string& python3() {
  static const std::string interpreter = [] {
    const ChildResult r = run_child({"python3", "-c", "import sys; print(sys.executable)"});
    const std::string path = r.out.substr(0, r.out.find('\n'));
    return r.exit_code == 0 && !path.empty() ? path : std::string("python3");
  }();
  return interpreter;
}

ChildResult run_child(const std::vector<std::string>& argv, const EnvironmentChanges& environment) {
  if (argv.empty()) throw mmfree::Error("run_child: empty command");
  // The child's output goes to files, not pipes: no risk of a full pipe blocking it while we wait.
  TempDir capture;
  const fs::path out_path = capture.path() / "stdout";
  const fs::path err_path = capture.path() / "stderr";

  const pid_t pid = fork();
  if (pid < 0) throw mmfree::Error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    for (const auto& [name, value] : environment) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
    const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) _exit(126);
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    const std::string message = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!write(STDERR_FILENO, message.data(), message.size());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw mmfree::Error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  ChildResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  if (result.exit_code == 127 && result.err.rfind("cannot run " + argv[0], 0) == 0) {
    throw mmfree::Error(result.err.substr(0, result.err.size() - 1));
  }
  return result;
}

}  // namespace board_flow
