// One request on its way through the server: what the HTTP session and the scheduler share.
// The scheduler (on a device's thread) appends text and finishes or fails it; the session (on
// the network threads) takes what is new whenever it is told there is something, and cancels
// it when the client goes away. Everything crossing threads goes through the mutex here.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "serve/api_error.hpp"
#include "serve/generation_request.hpp"

namespace mmfree::serve {

// One token's logprob and the most likely alternatives at its position, as OpenAI lists them.
struct TokenLogprob {
  std::string token;                // the token's text
  std::optional<float> logprob;     // none for a prompt's first token (nothing predicts it)
  std::vector<std::pair<std::string, float>> top;
  std::size_t text_offset = 0;      // where the token's text starts in the returned text
};

enum class FinishReason : uint8_t { None, Stop, Length };

const char* finish_reason_name(FinishReason reason);

// What the session takes: everything new since the last take().
struct GenerationUpdate {
  std::string text;
  std::vector<TokenLogprob> logprobs;
  bool finished = false;            // the last update: `reason` or `error` says why
  FinishReason reason = FinishReason::None;
  std::optional<ApiError> error;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
};

class Generation {
 public:
  using Clock = std::chrono::steady_clock;

  Generation(GenerationRequest request, uint64_t serial);

  const GenerationRequest& request() const { return request_; }
  // "cmpl-<serial>" / "chatcmpl-<serial>", and the creation time in Unix seconds.
  const std::string& id() const { return id_; }
  int64_t created() const { return created_; }
  Clock::time_point arrived() const { return arrived_; }

  // Session side. The listener is called from the scheduler's threads, outside any lock.
  void set_listener(std::function<void()> listener);
  GenerationUpdate take();
  // The client went away: the scheduler frees the sequence at its next pass.
  void cancel() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }

  // Scheduler side.
  void emit(std::string text, std::vector<TokenLogprob> logprobs, uint32_t completion_tokens);
  void finish(FinishReason reason);
  void fail(ApiError error);
  bool finished() const;

 private:
  void notify();

  const GenerationRequest request_;
  const std::string id_;
  const int64_t created_;
  const Clock::time_point arrived_;
  std::atomic<bool> cancelled_{false};

  mutable std::mutex mutex_;
  std::function<void()> listener_;
  GenerationUpdate pending_;
  bool finished_ = false;
};

}  // namespace mmfree::serve
