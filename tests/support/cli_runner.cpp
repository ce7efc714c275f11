#include "support/cli_runner.hpp"

namespace mmfree::test {

std::filesystem::path cli_path() { return MMFREE_CLI_PATH; }

CliResult run_cli(const std::vector<std::string>& args, const EnvironmentChanges& environment,
                  std::chrono::seconds time_limit) {
  std::vector<std::string> argv = {cli_path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_child(argv, environment, time_limit);
}

std::string join_ids(const std::vector<uint32_t>& ids) {
  std::string text;
  for (const uint32_t id : ids) {
    if (!text.empty()) text.push_back(',');
    text.append(std::to_string(id));
  }
  return text;
}

}  // namespace mmfree::test
