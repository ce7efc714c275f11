#include "serve/request_parser.hpp"

#include <cmath>
#include <limits>

#include "serve/api_error.hpp"
#include "serve/chat_template.hpp"
#include "serve/json_fields.hpp"

namespace json = boost::json;

namespace mmfree::serve {
namespace {

std::vector<uint32_t> token_ids(const json::array& ids, const Tokenizer& tokenizer) {
  std::vector<uint32_t> out;
  out.reserve(ids.size());
  const uint32_t vocab = tokenizer.vocab_size();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const json::value& id = ids[i];
    if (!id.is_int64() || id.get_int64() < 0 || id.get_int64() >= int64_t(vocab))
      throw bad_request("'prompt[" + std::to_string(i) + "]' must be a token id from 0 to " + std::to_string(vocab - 1), "prompt");
    out.push_back(uint32_t(id.get_int64()));
  }
  return out;
}

// A completions prompt: a string, token ids, or a one-element array of either (OpenAI's batch
// form; one prompt per request here).
void read_prompt(const json::object& body, const Tokenizer& tokenizer, GenerationRequest& request) {
  const json::value* prompt = field(body, "prompt");
  if (prompt == nullptr) throw bad_request("'prompt' is required", "prompt");
  const json::value* single = prompt;
  if (prompt->is_array() && !prompt->get_array().empty() && !prompt->get_array()[0].is_number()) {
    if (prompt->get_array().size() != 1)
      throw bad_request("'prompt' holds " + std::to_string(prompt->get_array().size()) +
                            " prompts; this server takes one prompt per request",
                        "prompt");
    single = &prompt->get_array()[0];
  }
  if (single->is_string()) {
    request.prompt_text = std::string(single->get_string());
    request.prompt.push_back(tokenizer.bos_id());
    const auto ids = tokenizer.encode(request.prompt_text);
    request.prompt.insert(request.prompt.end(), ids.begin(), ids.end());
  } else if (single->is_array()) {
    if (single->get_array().empty()) throw bad_request("'prompt' must not be empty", "prompt");
    request.prompt = token_ids(single->get_array(), tokenizer);
    request.prompt_text = tokenizer.decode(request.prompt);
  } else {
    throw bad_request("'prompt' must be a string or an array of token ids, not " + describe_json(*single), "prompt");
  }
}

void read_stop(const json::object& body, GenerationRequest& request) {
  const json::value* stop = field(body, "stop");
  if (stop == nullptr) return;
  const auto add = [&](const json::value& one) {
    if (!one.is_string()) throw bad_request("'stop' must be a string or an array of strings, not " + describe_json(one), "stop");
    const std::string_view text = one.get_string();
    if (text.empty()) throw bad_request("'stop' strings must not be empty", "stop");
    if (text.size() > kMaxStopBytes)
      throw bad_request("'stop' strings must be at most " + std::to_string(kMaxStopBytes) + " bytes", "stop");
    request.stop.emplace_back(text);
  };
  if (stop->is_array()) {
    if (stop->get_array().size() > kMaxStopStrings)
      throw bad_request("'stop' holds at most " + std::to_string(kMaxStopStrings) + " strings", "stop");
    for (const json::value& one : stop->get_array()) add(one);
  } else {
    add(*stop);
  }
}

// Fields whose only accepted value is the one that changes nothing.
void refuse_unsupported(const json::object& body) {
  if (auto n = get_integer(body, "n", 1, 1)) (void)n;
  if (auto best_of = get_integer(body, "best_of", 1, 1)) (void)best_of;
  for (const char* penalty : {"presence_penalty", "frequency_penalty"})
    if (auto value = get_number(body, penalty, -2.0, 2.0); value && *value != 0.0)
      throw bad_request(std::string("'") + penalty + "' is not supported (only 0)", penalty);
  if (const json::value* bias = field(body, "logit_bias"); bias && !(bias->is_object() && bias->get_object().empty()))
    throw bad_request("'logit_bias' is not supported", "logit_bias");
  if (const json::value* tools = field(body, "tools"); tools && !(tools->is_array() && tools->get_array().empty()))
    throw bad_request("'tools' is not supported: the model is a base model without tool calling", "tools");
  if (const json::value* format = field(body, "response_format")) {
    const json::object* object = format->if_object();
    const json::value* type = object ? object->if_contains("type") : nullptr;
    if (type == nullptr || !type->is_string() || type->get_string() != "text")
      throw bad_request("'response_format' must be {\"type\": \"text\"}", "response_format");
  }
}

}  // namespace

GenerationRequest parse_generation_request(Endpoint endpoint, std::string_view text, const std::string& model_id,
                                           const Tokenizer& tokenizer, const RequestLimits& limits) {
  const json::object body = parse_json_object(text);
  GenerationRequest request;
  request.endpoint = endpoint;

  const auto model = get_string(body, "model");
  if (!model) throw bad_request("'model' is required (this server has '" + model_id + "')", "model");
  if (*model != model_id)
    throw not_found("the model '" + model->substr(0, 128) + "' does not exist; this server has '" + model_id + "'",
                    "model_not_found");

  refuse_unsupported(body);
  if (endpoint == Endpoint::Completions) {
    read_prompt(body, tokenizer, request);
    request.echo = get_bool(body, "echo").value_or(false);
    if (auto k = get_integer(body, "logprobs", 0, kMaxTopLogprobs)) request.logprobs = int(*k);
    request.max_tokens = limits.default_max_tokens;
  } else {
    const json::value* messages = field(body, "messages");
    if (messages == nullptr) throw bad_request("'messages' is required", "messages");
    request.prompt_text = render_chat_prompt(*messages);
    request.prompt.push_back(tokenizer.bos_id());
    const auto ids = tokenizer.encode(request.prompt_text);
    request.prompt.insert(request.prompt.end(), ids.begin(), ids.end());
    if (get_bool(body, "logprobs").value_or(false)) {
      request.logprobs = int(get_integer(body, "top_logprobs", 0, kMaxTopLogprobs).value_or(0));
    } else if (field(body, "top_logprobs") != nullptr) {
      throw bad_request("'top_logprobs' needs 'logprobs': true", "top_logprobs");
    }
    request.stop.emplace_back(kChatTurnStop);
    request.max_tokens = limits.max_tokens;
  }
  if (request.prompt.size() > limits.max_prompt_tokens)
    throw bad_request("the prompt is " + std::to_string(request.prompt.size()) + " tokens; this server takes at most " +
                          std::to_string(limits.max_prompt_tokens),
                      endpoint == Endpoint::Chat ? "messages" : "prompt");

  // max_completion_tokens is the chat API's newer name for max_tokens.
  for (const char* name : {"max_tokens", "max_completion_tokens"})
    if (auto n = get_integer(body, name, 0, std::numeric_limits<int32_t>::max())) {
      if (*n > int64_t(limits.max_tokens))
        throw bad_request(std::string("'") + name + "' is " + std::to_string(*n) + "; this server generates at most " +
                              std::to_string(limits.max_tokens) + " tokens per request",
                          name);
      request.max_tokens = uint32_t(*n);
    }
  request.sampling.temperature = float(get_number(body, "temperature", 0.0, 2.0).value_or(1.0));
  request.sampling.top_p = float(get_number(body, "top_p", 0.0, 1.0).value_or(1.0));
  if (request.sampling.top_p <= 0.0f) throw bad_request("'top_p' must be above 0", "top_p");
  // top_k: vLLM's extension; -1 and 0 mean no limit.
  if (auto k = get_integer(body, "top_k", -1, int64_t(tokenizer.vocab_size()))) request.sampling.top_k = *k < 0 ? 0 : uint32_t(*k);
  if (auto seed = get_integer(body, "seed", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()))
    request.sampling.seed = uint64_t(*seed);
  read_stop(body, request);
  request.ignore_eos = get_bool(body, "ignore_eos").value_or(false);
  request.stream = get_bool(body, "stream").value_or(false);
  if (const json::value* options = field(body, "stream_options")) {
    if (!options->is_object()) throw bad_request("'stream_options' must be an object", "stream_options");
    if (!request.stream) throw bad_request("'stream_options' needs 'stream': true", "stream_options");
    request.include_usage = get_bool(options->get_object(), "include_usage").value_or(false);
  }
  return request;
}

}  // namespace mmfree::serve
