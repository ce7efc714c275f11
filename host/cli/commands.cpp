// The table of subcommands. Add a line here when adding a host/cli/<name>.cpp.
#include "command.hpp"

namespace mmfree::cli {

int run_version(const Args& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"version", "print the version of this build", run_version},
  };
  return table;
}

}  // namespace mmfree::cli
