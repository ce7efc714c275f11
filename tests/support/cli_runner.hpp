// Running the built `mmfree` binary as a user runs it, as a child process (run_child), and the
// small helpers the CLI tests share for building its arguments and reading what it printed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace mmfree::test {

using CliResult = ChildResult;

// The `mmfree` binary this build made (CMake's $<TARGET_FILE:mmfree>).
std::filesystem::path cli_path();

// Runs `mmfree args...` and waits for it (at most `time_limit`, see run_child).
CliResult run_cli(const std::vector<std::string>& args, const EnvironmentChanges& environment = {},
                  std::chrono::seconds time_limit = kChildTimeLimit);

// Token ids as the CLI's --ids takes them: "1,349,448".
std::string join_ids(const std::vector<uint32_t>& ids);

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace mmfree::test
