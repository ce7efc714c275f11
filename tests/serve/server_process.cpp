#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "mmfree/error.hpp"

namespace mmfree::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& args, std::chrono::seconds startup) {
  std::vector<std::string> argv = {MMFREE_CLI_PATH, "serve", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto out_path = dir_.path() / "stdout";
  const auto err_path = dir_.path() / "stderr";
  pid_ = ::fork();
  if (pid_ < 0) throw Error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0) {
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) ::_exit(126);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    std::vector<char*> c_args;
    for (auto& a : argv) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    ::execv(c_args[0], c_args.data());
    ::_exit(127);
  }
  const std::regex listening(R"(listening on http://([0-9.]+):([0-9]+))");
  const auto deadline = std::chrono::steady_clock::now() + startup;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string out = read_file(out_path);
    if (std::regex_search(out, match, listening)) {
      address_ = match[1].str();
      port_ = uint16_t(std::stoi(match[2].str()));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw Error("mmfree serve exited at start (status " + std::to_string(status) + "): " + read_file(err_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  throw Error("mmfree serve did not listen within the start-up limit: " + read_file(err_path));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(std::chrono::seconds(10));
}

int ServerProcess::stop(std::chrono::seconds limit) {
  if (pid_ <= 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (true) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_status_;
}

std::string ServerProcess::stderr_text() const { return read_file(dir_.path() / "stderr"); }

uint64_t ServerProcess::resident_bytes() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

}  // namespace mmfree::test
