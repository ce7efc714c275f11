// Runs the built `mmfree` binary (MMFREE_CLI_PATH) and captures exit code, stdout, stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mmfree::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') quoted.append("'\\''");
    else quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

// A file name of our own in the temp directory (tests may run in parallel).
inline std::filesystem::path unique_temp_file(const char* stem) {
  std::string name = stem;
  name.append("-XXXXXX");
  std::string pattern = (std::filesystem::temp_directory_path() / name).string();
  const int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

inline CliResult run_cli(const std::vector<std::string>& args) {
  const auto out_path = unique_temp_file("mmfree-cli-out"), err_path = unique_temp_file("mmfree-cli-err");
  std::string command = shell_quote(MMFREE_CLI_PATH);
  for (const auto& a : args) command.append(" ").append(shell_quote(a));
  command.append(" >").append(shell_quote(out_path.string()));
  command.append(" 2>").append(shell_quote(err_path.string())).append(" </dev/null");
  const int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

inline std::string demo_model_path() { return std::string(MMFREE_ASSETS_DIR) + "/models/mmfree-demo-d256-l6"; }
inline std::string heldout_path() { return std::string(MMFREE_ASSETS_DIR) + "/data/heldout.txt"; }

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace mmfree::test
