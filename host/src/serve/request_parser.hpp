// The bodies of POST /v1/completions and /v1/chat/completions, parsed and checked into a
// GenerationRequest: every field OpenAI's clients send is either understood, or ignored when it
// cannot change the result (user, n = 1, zero penalties), or refused with a 400 that names it.
#pragma once

#include <string>
#include <string_view>

#include "mmfree/tokenizer/tokenizer.hpp"
#include "serve/generation_request.hpp"
#include "serve/serve_options.hpp"

namespace mmfree::serve {

// The most tokens whose logprobs a request may ask for (OpenAI: 5 for completions, 20 for chat).
inline constexpr int kMaxTopLogprobs = 20;
// The most stop strings (OpenAI's limit) and the longest one.
inline constexpr std::size_t kMaxStopStrings = 4;
inline constexpr std::size_t kMaxStopBytes = 256;

// Throws ApiError: 400 for anything malformed, 404 for a model other than `model_id`.
GenerationRequest parse_generation_request(Endpoint endpoint, std::string_view body, const std::string& model_id,
                                           const Tokenizer& tokenizer, const RequestLimits& limits);

}  // namespace mmfree::serve
