// The held-out evaluation stream (docs/model-spec.md): every line of a text file encoded as
// [BOS] ids [EOS], concatenated, truncated to the first `max_tokens` tokens.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "mmfree/tokenizer/tokenizer.hpp"

namespace mmfree {

// Lines are split on '\n' (a trailing '\r' is dropped); empty lines are not corpus lines and
// are skipped. max_tokens = 0 means no limit.
std::vector<uint32_t> heldout_token_stream(const Tokenizer& tokenizer, std::string_view text, uint64_t max_tokens);

// Reads `path` first; throws UsageError naming it when it cannot be read or has no text.
std::vector<uint32_t> heldout_token_stream_from_file(const Tokenizer& tokenizer, const std::filesystem::path& path,
                                                     uint64_t max_tokens);

}  // namespace mmfree
