// What one API request asks the scheduler to generate, after parsing and validation: the
// prompt as token ids and how to continue it. Both endpoints (completions and chat) become one
// of these; only the response format differs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/sampling/sampler.hpp"

namespace mmfree::serve {

enum class Endpoint : uint8_t { Completions, Chat };

struct GenerationRequest {
  Endpoint endpoint = Endpoint::Completions;
  std::vector<uint32_t> prompt;   // token ids fed to the model (a text prompt starts with BOS)
  std::string prompt_text;        // the prompt as text, for echo
  uint32_t max_tokens = 16;       // tokens to generate at most (0: only the prompt, e.g. scoring)
  SamplingOptions sampling;       // temperature 0 (or top_k 1): greedy
  std::vector<std::string> stop;  // generation ends before the first of these in the text
  bool stream = false;
  bool include_usage = false;     // stream_options.include_usage: a last chunk with usage
  int logprobs = -1;              // -1: none; k >= 0: each token's logprob and the top k
  bool echo = false;              // completions: the prompt is part of the returned text
  bool ignore_eos = false;        // keep going after an end-of-sequence token

  // Whether the prompt's own tokens need logprobs (echo with logprobs: scoring a text).
  bool wants_prompt_logprobs() const { return echo && logprobs >= 0; }
  // Whether the device must return logits (sampling or logprobs), or only argmax.
  bool needs_logits() const {
    return logprobs >= 0 || !(sampling.temperature == 0.0f || sampling.top_k == 1);
  }
};

}  // namespace mmfree::serve
