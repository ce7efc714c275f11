// The `mmfree` tool's subcommands. Each lives in its own file in host/cli/ and parses its
// own flags with Boost.Program_options; main.cpp only dispatches and reports errors.
#pragma once

#include <string>
#include <vector>

namespace mmfree::cli {

using Args = std::vector<std::string>;  // everything after the subcommand name

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};

// Registered subcommands, in the order `mmfree --help` lists them.
const std::vector<Command>& commands();

}  // namespace mmfree::cli
