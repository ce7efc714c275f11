// docs/deploy.md stays true to the tools: every flag its command examples give to `mmfree <tool>`
// or scripts/build_xclbin.sh is one the tool's --help lists. A line marked "(being added)" names
// a flag that is announced but not there yet; once the tool has it, the marker must go.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace board_flow {
namespace {
namespace fs = std::filesystem;

struct DocCommand {
  std::string tool;  // "mmfree generate", "build_xclbin.sh", ...
  std::vector<std::string> flags;
  bool announced = false;  // marked "(being added)"
  std::string text;
};

// The command lines of the fenced code blocks, continuation lines joined.
std::vector<DocCommand> commands_of(const fs::path& markdown) {
  std::ifstream in(markdown);
  std::vector<DocCommand> result;
  bool in_code = false;
  std::string line, joined;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      in_code = !in_code;
      continue;
    }
    if (!in_code) continue;
    if (!line.empty() && line.back() == '\\') {
      joined += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    joined += line;
    const std::string command = joined;
    joined.clear();
    const bool announced = command.find("(being added)") != std::string::npos;
    const std::string code = command.substr(0, command.find('#'));
    std::istringstream words(code);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    for (size_t i = 0; i < w.size(); ++i) {
      DocCommand c;
      if (w[i].ends_with("bin/mmfree") && i + 1 < w.size()) {
        c.tool = "mmfree " + w[i + 1];
        i += 1;
      } else if (w[i].ends_with("scripts/build_xclbin.sh")) {
        c.tool = "build_xclbin.sh";
      } else {
        continue;
      }
      for (size_t k = i + 1; k < w.size() && w[k] != "|" && w[k] != ">" && w[k] != "&&"; ++k) {
        if (w[k].size() > 1 && w[k][0] == '-') c.flags.push_back(w[k].substr(0, w[k].find('=')));
      }
      c.announced = announced;
      c.text = command;
      result.push_back(c);
      break;
    }
  }
  return result;
}

// boost::program_options prints "-n [ --tokens ] arg" or "--xclbin arg"; the script "--plan".
bool help_lists(const std::string& help, const std::string& flag) {
  if (flag.rfind("--", 0) == 0) {
    for (size_t at = help.find(flag); at != std::string::npos; at = help.find(flag, at + 1)) {
      const size_t end = at + flag.size();
      if (end == help.size() || help[end] == ' ' || help[end] == '\n' || help[end] == ']') return true;
    }
    return false;
  }
  return help.find(flag + " [") != std::string::npos || help.find(flag + ",") != std::string::npos;
}

TEST(DeployDoc, EveryFlagInItsExamplesExists) {
  const auto commands = commands_of(fs::path(MMFREE_SOURCE_ROOT) / "docs" / "deploy.md");
  size_t mmfree_commands = 0;
  for (const auto& c : commands) {
    SCOPED_TRACE(c.text);
    mmfree::test::ChildResult help;
    if (c.tool == "build_xclbin.sh") {
      const fs::path script = fs::path(MMFREE_SOURCE_ROOT) / "scripts" / "build_xclbin.sh";
      help = mmfree::test::run_child({script.string(), "--help"});
    } else {
      ++mmfree_commands;
      help = mmfree::test::run_cli({c.tool.substr(7), "--help"});
    }
    ASSERT_EQ(help.exit_code, 0) << c.tool << " --help failed: " << help.err;
    const std::string text = help.out + help.err;
    bool missing = false;
    for (const auto& flag : c.flags) {
      if (help_lists(text, flag)) continue;
      missing = true;
      EXPECT_TRUE(c.announced) << c.tool << " has no " << flag;
    }
    if (c.announced) {
      EXPECT_TRUE(missing) << c.tool << " now has every flag: drop the (being added) marker";
    }
  }
  // The walk-through shows generate, compare, logits and bench at least.
  EXPECT_GE(mmfree_commands, 5u);
}

}  // namespace
}  // namespace board_flow
