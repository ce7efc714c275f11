// `mmfree`: the command-line front end of the runtime.
#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "command.hpp"
#include "mmfree/error.hpp"

namespace {

void print_usage() {
  std::printf("mmfree: MatMul-free LM runtime (reference, golden, Verilator sim, XRT board)\n\n");
  std::printf("usage: mmfree <command> [options]   (mmfree <command> --help for its options)\n\n");
  for (const auto& c : mmfree::cli::commands()) std::printf("  %-12s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const auto& c : mmfree::cli::commands()) {
    if (name != c.name) continue;
    try {
      return c.run(mmfree::cli::Args(argv + 2, argv + argc));
    } catch (const boost::program_options::error& e) {
      std::fprintf(stderr, "mmfree %s: %s (see 'mmfree %s --help')\n", c.name, e.what(), c.name);
      return 2;
    } catch (const mmfree::UsageError& e) {
      std::fprintf(stderr, "mmfree %s: %s\n", c.name, e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mmfree %s: error: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "mmfree: unknown command '%s'\n\n", name.c_str());
  print_usage();
  return 2;
}
