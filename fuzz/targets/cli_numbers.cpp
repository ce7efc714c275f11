// Fuzz target: the command-line number parsers. The input, split at NUL bytes, is an argument
// vector given to a Boost.Program_options parser of bounded flags (host/cli/bounded_value.hpp,
// as the subcommands declare them); each argument is also parsed alone as every number type.
// A value that gets through must lie in its flag's range.
#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../host/cli/bounded_value.hpp"
#include "fuzz_input.hpp"
#include "mmfree/util/number_text.hpp"

namespace po = boost::program_options;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using mmfree::cli::bounded_value;
  std::vector<std::string> args;
  std::string_view text = mmfree::fuzz::as_text(data, size);
  while (!text.empty() && args.size() < 16) {
    const auto end = text.find('\0');
    args.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  for (const auto& a : args) {
    (void)mmfree::util::parse_number<uint32_t>(a);
    (void)mmfree::util::parse_number<int>(a);
    (void)mmfree::util::parse_number<uint64_t>(a);
    (void)mmfree::util::parse_number<double>(a);
    (void)mmfree::util::parse_number<float>(a);
  }

  uint32_t seq = 0, tokens = 0;
  uint64_t max_tokens = 0;
  int n_prompt = 0;
  double timeout = 0;
  po::options_description description;
  description.add_options()                                                                    //
      ("seq", bounded_value(&seq, 2u, mmfree::cli::kMaxTokenCount)->default_value(512))        //
      ("tokens,n", bounded_value(&tokens, 0u, mmfree::cli::kMaxTokenCount)->default_value(64))  //
      ("max-tokens", bounded_value<uint64_t>(&max_tokens, 0, uint64_t(1) << 32))                //
      ("n-prompt,p", bounded_value(&n_prompt, 0, int(mmfree::cli::kMaxTokenCount)))             //
      ("timeout", bounded_value(&timeout, 0.001, 1e6)->default_value(60.0))                     //
      ("name", po::value<std::string>());
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(description).run(), vm);
    po::notify(vm);
    if (seq < 2 || seq > mmfree::cli::kMaxTokenCount || tokens > mmfree::cli::kMaxTokenCount ||
        max_tokens > (uint64_t(1) << 32) || n_prompt < 0 || !(timeout >= 0.001 && timeout <= 1e6)) {
      std::abort();  // a value outside its range got through
    }
  } catch (const po::error&) {
  }
  return 0;
}
