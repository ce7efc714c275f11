#include "bounded_value.hpp"
#include "heldout_flags.hpp"

#include "mmfree/error.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

void add_heldout_flags(po::options_description& description, HeldoutFlags& flags) {
  description.add_options()                                                                           //
      ("text-file", po::value(&flags.text_file)->required(), "the text, one document per line")        //
      ("seq", bounded_value(&flags.sequence_length, 2u, kMaxTokenCount)->default_value(512), "tokens per sequence")            //
      ("max-tokens", bounded_value<uint64_t>(&flags.max_tokens, 0, uint64_t(1) << 32)->default_value(65536), "tokens of the stream to use (0: all)");
}

void check_heldout_flags(const HeldoutFlags& flags) {
  if (flags.sequence_length < 2) throw UsageError("--seq must be at least 2");
}

std::vector<uint32_t> heldout_tokens(const HeldoutFlags& flags, const Model& model) {
  const Tokenizer tokenizer(model.tokenizer_model());
  return heldout_token_stream_from_file(tokenizer, flags.text_file, flags.max_tokens);
}

}  // namespace mmfree::cli
