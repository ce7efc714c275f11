// The held-out evaluation flags that perplexity and compare share (--text-file, --seq,
// --max-tokens), and the token stream they name (docs/model-spec.md's perplexity rule).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/model.hpp"

namespace mmfree::cli {

struct HeldoutFlags {
  std::string text_file;
  uint32_t sequence_length = 512;
  uint64_t max_tokens = 65536;
};

// Adds --text-file (required), --seq and --max-tokens, in that order.
void add_heldout_flags(boost::program_options::options_description& description, HeldoutFlags& flags);

// Throws UsageError for --seq below 2 (a sequence needs a token to predict from and one to predict).
void check_heldout_flags(const HeldoutFlags& flags);

// The first --max-tokens tokens of the text file as [BOS] ids [EOS] per line, with the
// model's tokenizer.
std::vector<uint32_t> heldout_tokens(const HeldoutFlags& flags, const Model& model);

}  // namespace mmfree::cli
