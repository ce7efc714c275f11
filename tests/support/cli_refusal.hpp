// The check every CLI suite makes of its bad command lines: `mmfree` refuses them with a
// non-zero exit, says why on stderr, and prints no results on stdout (scripts read stdout).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mmfree::test {

// A command line the CLI must refuse and a part of the message it must give.
struct CliRefusal {
  std::vector<std::string> args;  // after `mmfree`, the subcommand first
  std::string message_part;
};

// Runs `mmfree refusal.args...`; success when it was refused as CliRefusal says.
// Use as EXPECT_TRUE(cli_refuses(refusal)).
testing::AssertionResult cli_refuses(const CliRefusal& refusal);

}  // namespace mmfree::test
