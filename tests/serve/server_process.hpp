// A real `mmfree serve` for a test: started as a child process on a free port (--port 0, the
// port read from the line it prints), stopped with SIGTERM, its exit status and stderr kept.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace mmfree::test {

class ServerProcess {
 public:
  // Starts `mmfree serve --port 0 args...` and waits (at most `startup`) until it listens.
  // Throws mmfree::Error with the server's stderr when it exits or does not listen in time.
  explicit ServerProcess(const std::vector<std::string>& args, std::chrono::seconds startup = std::chrono::seconds(60));
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  // The address the server said it listens on ("127.0.0.1").
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Sends SIGTERM and waits (at most `limit`) for the exit; returns the exit status, or
  // 128 + signal when it was killed (after `limit` it is killed with SIGKILL).
  int stop(std::chrono::seconds limit = std::chrono::seconds(60));
  // What the server wrote to stderr so far.
  std::string stderr_text() const;
  // The server's resident memory now (from /proc), in bytes.
  uint64_t resident_bytes() const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string address_;
  int exit_status_ = -1;
};

}  // namespace mmfree::test
