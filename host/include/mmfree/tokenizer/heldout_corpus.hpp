// The held-out evaluation stream (docs/model-spec.md): every line of a text file encoded as
// [BOS] ids [EOS], concatenated, truncated to the first `max_tokens` tokens.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "mmfree/tokenizer/tokenizer.hpp"

namespace mmfree {

// A corpus line is a paragraph; one of 16 MiB is a file that is not text (or has no newlines).
inline constexpr std::size_t kMaxHeldoutLineBytes = 16u << 20;

// Lines are split on '\n' (a trailing '\r' is dropped); empty lines are not corpus lines and
// are skipped. max_tokens = 0 means no limit.
std::vector<uint32_t> heldout_token_stream(const Tokenizer& tokenizer, std::string_view text, uint64_t max_tokens);

// Reads `path` line by line and stops once `max_tokens` tokens are in hand, so a large file
// costs only what is used. Throws UsageError naming it when it is not a regular file (a FIFO or
// /dev/zero), cannot be read, has no text, or has a line longer than kMaxHeldoutLineBytes.
std::vector<uint32_t> heldout_token_stream_from_file(const Tokenizer& tokenizer, const std::filesystem::path& path,
                                                     uint64_t max_tokens);

}  // namespace mmfree
