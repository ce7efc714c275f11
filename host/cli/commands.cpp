// The table of subcommands. Add a line here when adding a host/cli/<name>.cpp.
#include "command.hpp"

namespace mmfree::cli {

int run_version(const Args& args);
int run_convert(const Args& args);
int run_inspect(const Args& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"version", "print the version of this build", run_version},
      {"convert", "Hugging Face MMfreeLM directory -> packed .mmf image", run_convert},
      {"inspect", "config, device descriptor and section table of a model", run_inspect},
  };
  return table;
}

}  // namespace mmfree::cli
