#include "serve/openai_format.hpp"

#include <boost/json.hpp>

namespace json = boost::json;

namespace mmfree::serve {
namespace {

json::value reason_value(FinishReason reason) {
  const char* name = finish_reason_name(reason);
  return name ? json::value(name) : json::value(nullptr);
}

json::object usage(uint32_t prompt_tokens, uint32_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens}, {"total_tokens", prompt_tokens + completion_tokens}};
}

json::array bytes_of(const std::string& text) {
  json::array out;
  for (unsigned char c : text) out.push_back(c);
  return out;
}

// Completions: parallel arrays (tokens, token_logprobs, top_logprobs, text_offset).
json::value completion_logprobs(const std::vector<TokenLogprob>& logprobs) {
  json::array tokens, values, tops, offsets;
  for (const auto& l : logprobs) {
    tokens.push_back(json::value(l.token));
    values.push_back(l.logprob ? json::value(*l.logprob) : json::value(nullptr));
    if (!l.logprob) {
      tops.push_back(nullptr);
    } else {
      json::object top;
      for (const auto& [token, value] : l.top) top[token] = value;
      tops.push_back(std::move(top));
    }
    offsets.push_back(l.text_offset);
  }
  return json::object{{"tokens", tokens}, {"token_logprobs", values}, {"top_logprobs", tops}, {"text_offset", offsets}};
}

// Chat: {"content": [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}.
json::value chat_logprobs(const std::vector<TokenLogprob>& logprobs) {
  json::array content;
  for (const auto& l : logprobs) {
    json::array top;
    for (const auto& [token, value] : l.top) top.push_back(json::object{{"token", token}, {"logprob", value}, {"bytes", bytes_of(token)}});
    content.push_back(json::object{{"token", l.token}, {"logprob", l.logprob.value_or(0.0f)}, {"bytes", bytes_of(l.token)}, {"top_logprobs", top}});
  }
  return json::object{{"content", content}};
}

json::object envelope(const Generation& generation, const std::string& model_id, const char* object) {
  return {{"id", generation.id()}, {"object", object}, {"created", generation.created()}, {"model", model_id}, {"system_fingerprint", "mmfree"}};
}

}  // namespace

void GenerationTotal::add(const GenerationUpdate& update) {
  text += update.text;
  logprobs.insert(logprobs.end(), update.logprobs.begin(), update.logprobs.end());
  if (update.finished) reason = update.reason;
  prompt_tokens = update.prompt_tokens;
  completion_tokens = std::max(completion_tokens, update.completion_tokens);
}

std::string response_json(const Generation& generation, const std::string& model_id, const GenerationTotal& total) {
  const GenerationRequest& request = generation.request();
  const bool chat = request.endpoint == Endpoint::Chat;
  json::object choice{{"index", 0}, {"finish_reason", reason_value(total.reason)}};
  if (chat) {
    choice["message"] = json::object{{"role", "assistant"}, {"content", total.text}};
    choice["logprobs"] = request.logprobs >= 0 ? chat_logprobs(total.logprobs) : json::value(nullptr);
  } else {
    choice["text"] = total.text;
    choice["logprobs"] = request.logprobs >= 0 ? completion_logprobs(total.logprobs) : json::value(nullptr);
  }
  json::object out = envelope(generation, model_id, chat ? "chat.completion" : "text_completion");
  out["choices"] = json::array{std::move(choice)};
  out["usage"] = usage(total.prompt_tokens, total.completion_tokens);
  return json::serialize(out);
}

std::string chunk_json(const Generation& generation, const std::string& model_id, const std::string& text,
                       const std::vector<TokenLogprob>& logprobs, FinishReason reason, bool first) {
  const GenerationRequest& request = generation.request();
  const bool chat = request.endpoint == Endpoint::Chat;
  json::object choice{{"index", 0}, {"finish_reason", reason_value(reason)}};
  if (chat) {
    json::object delta;
    if (first) delta["role"] = "assistant";
    if (!text.empty() || first) delta["content"] = text;
    choice["delta"] = std::move(delta);
    choice["logprobs"] = request.logprobs >= 0 && !logprobs.empty() ? chat_logprobs(logprobs) : json::value(nullptr);
  } else {
    choice["text"] = text;
    choice["logprobs"] = request.logprobs >= 0 && !logprobs.empty() ? completion_logprobs(logprobs) : json::value(nullptr);
  }
  json::object out = envelope(generation, model_id, chat ? "chat.completion.chunk" : "text_completion");
  out["choices"] = json::array{std::move(choice)};
  if (request.include_usage) out["usage"] = nullptr;
  return json::serialize(out);
}

std::string usage_chunk_json(const Generation& generation, const std::string& model_id, uint32_t prompt_tokens,
                             uint32_t completion_tokens) {
  const bool chat = generation.request().endpoint == Endpoint::Chat;
  json::object out = envelope(generation, model_id, chat ? "chat.completion.chunk" : "text_completion");
  out["choices"] = json::array{};
  out["usage"] = usage(prompt_tokens, completion_tokens);
  return json::serialize(out);
}

std::string model_json(const std::string& model_id, int64_t created) {
  return json::serialize(json::object{{"id", model_id}, {"object", "model"}, {"created", created}, {"owned_by", "mmfree"}});
}

std::string models_json(const std::string& model_id, int64_t created) {
  json::object model{{"id", model_id}, {"object", "model"}, {"created", created}, {"owned_by", "mmfree"}};
  return json::serialize(json::object{{"object", "list"}, {"data", json::array{std::move(model)}}});
}

}  // namespace mmfree::serve
