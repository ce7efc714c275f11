#include "parse_flags.hpp"

#include <iostream>

namespace po = boost::program_options;

namespace mmfree::cli {

bool parse_flags_or_help(const Args& args, const po::options_description& description, po::variables_map& vm,
                         const po::positional_options_description* positional) {
  po::command_line_parser parser(args);
  parser.options(description);
  if (positional) parser.positional(*positional);
  po::store(parser.run(), vm);
  // Help is checked before notify, so that --help works without the required flags.
  if (vm.count("help")) {
    std::cout << description << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

}  // namespace mmfree::cli
