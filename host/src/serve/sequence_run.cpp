#include "serve/sequence_run.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

namespace mmfree::serve {

SequenceRun::SequenceRun(std::shared_ptr<Generation> generation, SequenceId sequence, const Tokenizer& tokenizer)
    : generation_(std::move(generation)),
      sequence_(sequence),
      tokenizer_(tokenizer),
      sampler_(generation_->request().sampling),
      detokenizer_(tokenizer),
      stops_(generation_->request().stop) {
  const GenerationRequest& request = generation_->request();
  // The prompt goes through the detokenizer first, so that the continuation joins it as the
  // text it continues (its leading space kept), whether or not the prompt is echoed.
  std::string prompt_text;
  for (uint32_t id : request.prompt) {
    prompt_offsets_.push_back(prompt_text.size());
    prompt_text += detokenizer_.push(id);
  }
  if (request.echo) {
    text_bytes_ = request.prompt_text.size();
    generation_->emit(request.prompt_text, {}, 0);
  }
  if (request.max_tokens == 0 && !request.wants_prompt_logprobs()) finish(FinishReason::Length, {}, {});
}

std::optional<SequenceInput> SequenceRun::next_input(unsigned& prefill_budget) {
  const GenerationRequest& request = generation_->request();
  const OutputKind kind = request.needs_logits() ? OutputKind::Logits : OutputKind::Argmax;
  if (prefilling()) {
    const std::size_t n = std::min<std::size_t>(prompt().size() - fed_, prefill_budget);
    if (n == 0) return std::nullopt;
    prefill_budget -= unsigned(n);
    last_chunk_ = n;
    SequenceInput input{sequence_, std::span<const uint32_t>(prompt()).subspan(fed_, n), Outputs::None, OutputKind::Argmax};
    if (request.wants_prompt_logprobs()) {
      input.outputs = Outputs::All;
      input.kind = OutputKind::Logits;
    } else if (fed_ + n == prompt().size()) {
      input.outputs = Outputs::Last;
      input.kind = kind;
    }
    return input;
  }
  last_chunk_ = 0;
  return SequenceInput{sequence_, std::span<const uint32_t>(&last_token_, 1), Outputs::Last, kind};
}

std::string SequenceRun::token_text(uint32_t id) const {
  // SentencePiece's word-start mark (U+2581) is a space in text.
  static constexpr std::string_view kMark = "\xE2\x96\x81";
  const std::string piece = tokenizer_.piece(id);
  std::string text;
  text.reserve(piece.size());
  for (std::size_t i = 0; i < piece.size();) {
    if (std::string_view(piece).substr(i, kMark.size()) == kMark) {
      text += ' ';
      i += kMark.size();
    } else {
      text += piece[i++];
    }
  }
  return text;
}

TokenLogprob SequenceRun::logprob_of(std::span<const float> row, uint32_t token, std::size_t text_offset) const {
  const float max = *std::max_element(row.begin(), row.end());
  double sum = 0;
  for (float x : row) sum += std::exp(double(x) - max);
  const double log_sum = double(max) + std::log(sum);
  TokenLogprob out;
  out.token = token_text(token);
  out.logprob = float(double(row[token]) - log_sum);
  out.text_offset = text_offset;
  const std::size_t k = std::min<std::size_t>(std::size_t(std::max(generation_->request().logprobs, 0)), row.size());
  if (k > 0) {
    std::vector<uint32_t> order(row.size());
    std::iota(order.begin(), order.end(), 0u);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](uint32_t a, uint32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
    for (std::size_t i = 0; i < k; ++i) out.top.emplace_back(token_text(order[i]), float(double(row[order[i]]) - log_sum));
  }
  return out;
}

void SequenceRun::finish(FinishReason reason, std::string text, std::vector<TokenLogprob> logprobs) {
  text += stops_.finish();
  generation_->emit(std::move(text), std::move(logprobs), generated_);
  generation_->finish(reason);
  reason_ = reason;
  done_ = true;
}

unsigned SequenceRun::consume(const SequenceOutput& output) {
  const GenerationRequest& request = generation_->request();
  std::vector<TokenLogprob> logprobs;
  std::span<const float> last_row;
  uint32_t last_argmax = 0;
  if (last_chunk_ > 0) {
    // A prompt chunk: with echo and logprobs, every row scores the prompt's next token.
    const std::size_t start = fed_;
    fed_ += last_chunk_;
    if (request.wants_prompt_logprobs()) {
      if (start == 0) {
        TokenLogprob first;
        first.token = token_text(prompt()[0]);
        first.text_offset = 0;
        logprobs.push_back(first);
      }
      for (std::size_t r = 0; r < output.rows(); ++r) {
        const std::size_t position = start + r;  // the row after prompt token `position`
        if (position + 1 < prompt().size())
          logprobs.push_back(logprob_of(output.row(r), prompt()[position + 1], prompt_offsets_[position + 1]));
      }
    }
    if (prefilling()) {
      if (!logprobs.empty()) generation_->emit({}, std::move(logprobs), 0);
      return 0;
    }
    if (request.max_tokens == 0) {
      finish(FinishReason::Length, {}, std::move(logprobs));
      return 0;
    }
    last_row = output.row(output.rows() - 1);
    last_argmax = output.argmax.back();
  } else {
    last_row = output.row(0);
    last_argmax = output.argmax.front();
  }

  const uint32_t next = sampler_.is_greedy() ? last_argmax : sampler_.sample(last_row);
  ++generated_;
  if (!first_token_) first_token_ = Generation::Clock::now();
  if (request.logprobs >= 0) logprobs.push_back(logprob_of(last_row, next, text_bytes_));
  if (next == tokenizer_.eos_id() && !request.ignore_eos) {
    finish(FinishReason::Stop, stops_.push(detokenizer_.finish()), std::move(logprobs));
    return 1;
  }
  const std::string piece = detokenizer_.push(next);
  text_bytes_ += piece.size();
  std::string text = stops_.push(piece);
  if (stops_.stopped()) {
    finish(FinishReason::Stop, std::move(text), std::move(logprobs));
    return 1;
  }
  if (generated_ >= request.max_tokens) {
    finish(FinishReason::Length, std::move(text) + stops_.push(detokenizer_.finish()), std::move(logprobs));
    return 1;
  }
  last_token_ = next;
  if (!text.empty() || !logprobs.empty()) generation_->emit(std::move(text), std::move(logprobs), generated_);
  return 1;
}

}  // namespace mmfree::serve
