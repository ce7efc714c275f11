// The parse-or-help step every subcommand starts with: parse, print the help and stop when
// --help was given, otherwise check required flags and store the values.
#pragma once

#include <boost/program_options.hpp>

#include "command.hpp"

namespace mmfree::cli {

// Returns false after printing `description` to stdout when `args` hold --help (the command
// then returns 0 without doing anything else); otherwise runs the notifiers (which throw for a
// missing required flag) and returns true with `vm` filled. `positional` is optional.
bool parse_flags_or_help(const Args& args, const boost::program_options::options_description& description,
                         boost::program_options::variables_map& vm,
                         const boost::program_options::positional_options_description* positional = nullptr);

}  // namespace mmfree::cli
