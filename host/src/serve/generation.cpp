#include "serve/generation.hpp"

namespace mmfree::serve {

const char* finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::Stop: return "stop";
    case FinishReason::Length: return "length";
    case FinishReason::None: break;
  }
  return nullptr;
}

Generation::Generation(GenerationRequest request, uint64_t serial)
    : request_(std::move(request)),
      id_((request_.endpoint == Endpoint::Chat ? "chatcmpl-" : "cmpl-") + std::to_string(serial)),
      created_(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()),
      arrived_(Clock::now()) {
  pending_.prompt_tokens = uint32_t(request_.prompt.size());
}

void Generation::set_listener(std::function<void()> listener) {
  bool ready;
  {
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
    ready = !pending_.text.empty() || !pending_.logprobs.empty() || finished_;
  }
  if (ready) notify();
}

GenerationUpdate Generation::take() {
  std::lock_guard lock(mutex_);
  GenerationUpdate out = pending_;
  pending_.text.clear();
  pending_.logprobs.clear();
  return out;
}

void Generation::emit(std::string text, std::vector<TokenLogprob> logprobs, uint32_t completion_tokens) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    pending_.text += text;
    for (auto& l : logprobs) pending_.logprobs.push_back(std::move(l));
    pending_.completion_tokens = completion_tokens;
  }
  notify();
}

void Generation::finish(FinishReason reason) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    pending_.finished = true;
    pending_.reason = reason;
  }
  notify();
}

void Generation::fail(ApiError error) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    pending_.finished = true;
    pending_.error = std::move(error);
  }
  notify();
}

bool Generation::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

void Generation::notify() {
  std::function<void()> listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) listener();
}

}  // namespace mmfree::serve
