// One admitted request on a device: its sequence, its place in the prompt, and turning each
// pass's output into the next token, text (detokenized, cut at stop strings) and logprobs.
// The scheduler asks each run for its input of a pass and hands it the output back; the run
// reports to its Generation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "mmfree/engine.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/tokenizer/streaming_detokenizer.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "serve/generation.hpp"
#include "serve/stop_matcher.hpp"

namespace mmfree::serve {

class SequenceRun {
 public:
  // `tokenizer` outlives the run. Emits the echoed prompt, when asked for, at once.
  SequenceRun(std::shared_ptr<Generation> generation, SequenceId sequence, const Tokenizer& tokenizer);

  // This pass's input: the next part of the prompt (taking at most `prefill_budget` tokens
  // from it), or the last generated token. Nothing when the prompt must wait for budget.
  std::optional<SequenceInput> next_input(unsigned& prefill_budget);
  // Consumes the output of the input next_input() returned. Returns how many tokens it
  // generated (0 or 1); done() is then true when the generation ended.
  unsigned consume(const SequenceOutput& output);

  bool done() const { return done_; }
  FinishReason reason() const { return reason_; }
  bool prefilling() const { return fed_ < prompt().size(); }
  SequenceId sequence() const { return sequence_; }
  Generation& generation() { return *generation_; }
  const std::shared_ptr<Generation>& generation_ptr() const { return generation_; }
  // When the first token was generated (for time to first token), if it was.
  std::optional<Generation::Clock::time_point> first_token_time() const { return first_token_; }

 private:
  const std::vector<uint32_t>& prompt() const { return generation_->request().prompt; }
  // logprob of `token` and the top k in `row`.
  TokenLogprob logprob_of(std::span<const float> row, uint32_t token, std::size_t text_offset) const;
  std::string token_text(uint32_t id) const;
  void finish(FinishReason reason, std::string text, std::vector<TokenLogprob> logprobs);

  std::shared_ptr<Generation> generation_;
  SequenceId sequence_;
  const Tokenizer& tokenizer_;
  Sampler sampler_;
  StreamingDetokenizer detokenizer_;
  StopMatcher stops_;
  std::size_t fed_ = 0;               // prompt tokens fed so far
  std::size_t last_chunk_ = 0;        // prompt tokens of the pending input
  uint32_t last_token_ = 0;           // the token the next decode pass feeds
  uint32_t generated_ = 0;
  std::size_t text_bytes_ = 0;        // bytes of text produced so far (text_offset)
  std::vector<std::size_t> prompt_offsets_;  // text offset of each prompt token (echo + logprobs)
  std::optional<Generation::Clock::time_point> first_token_;
  bool done_ = false;
  FinishReason reason_ = FinishReason::None;
};

}  // namespace mmfree::serve
