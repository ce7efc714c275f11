// The JSON the OpenAI API returns: the whole response of a completion or chat completion, the
// chunks of a streamed one, and the model list. The session collects a Generation's updates;
// these functions only format them.
#pragma once

#include <string>

#include "serve/generation.hpp"

namespace mmfree::serve {

// Everything a generation produced, for a response that is not streamed.
struct GenerationTotal {
  std::string text;
  std::vector<TokenLogprob> logprobs;
  FinishReason reason = FinishReason::None;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;

  void add(const GenerationUpdate& update);
};

std::string response_json(const Generation& generation, const std::string& model_id, const GenerationTotal& total);

// One streamed chunk: new text (and its logprobs), and the finish reason on the last one. A
// chat stream's first chunk carries the role (`first`).
std::string chunk_json(const Generation& generation, const std::string& model_id, const std::string& text,
                       const std::vector<TokenLogprob>& logprobs, FinishReason reason, bool first);
// The usage-only chunk of stream_options.include_usage.
std::string usage_chunk_json(const Generation& generation, const std::string& model_id, uint32_t prompt_tokens,
                             uint32_t completion_tokens);

std::string models_json(const std::string& model_id, int64_t created);
std::string model_json(const std::string& model_id, int64_t created);

}  // namespace mmfree::serve
