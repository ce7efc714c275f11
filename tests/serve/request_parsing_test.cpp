// The parts of the server that need no network: stop strings over streamed text, and the
// request parser on the shapes and types clients send (and must not send).
#include <gtest/gtest.h>

#include "mmfree/tokenizer/tokenizer.hpp"
#include "serve/api_error.hpp"
#include "serve/chat_template.hpp"
#include "serve/request_parser.hpp"
#include "serve/stop_matcher.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::serve {
namespace {

TEST(StopMatcher, HoldsBackWhatCouldStartAStopStringAndCutsBeforeIt) {
  StopMatcher m({"\nUser:", "END"});
  EXPECT_EQ(m.push("Hello"), "Hello");
  EXPECT_EQ(m.push(" there\nUs"), " there");  // "\nUs" might become "\nUser:"
  EXPECT_EQ(m.push("ually"), "\nUsually");    // it did not
  EXPECT_EQ(m.push(" E"), " ");
  EXPECT_EQ(m.push("N"), "");
  EXPECT_EQ(m.push("D and more"), "");        // "END": stop, nothing after it
  EXPECT_TRUE(m.stopped());
  EXPECT_EQ(m.push("later"), "");
  StopMatcher unfinished({"END"});
  EXPECT_EQ(unfinished.push("the EN"), "the ");
  EXPECT_EQ(unfinished.finish(), "EN");  // the text ended without the stop string
}

class RequestParsing : public testing::Test {
 protected:
  RequestParsing() : tokenizer_(test::demo_model().tokenizer_model()) {}
  GenerationRequest parse(Endpoint endpoint, const std::string& body) {
    return parse_generation_request(endpoint, body, "m", tokenizer_, limits_);
  }
  // The status and message of the refusal of `body`.
  std::pair<unsigned, std::string> refusal(Endpoint endpoint, const std::string& body) {
    try {
      parse(endpoint, body);
    } catch (const ApiError& e) {
      return {e.status(), e.what()};
    }
    return {0, "accepted"};
  }
  Tokenizer tokenizer_;
  RequestLimits limits_;
};

TEST_F(RequestParsing, ReadsWhatClientsSend) {
  const auto r = parse(Endpoint::Completions, R"({"model": "m", "prompt": ["The jury"], "max_tokens": 7.0, "temperature": 0,
      "top_p": 0.5, "top_k": -1, "seed": -3, "stop": "x", "stream": true, "stream_options": {"include_usage": true},
      "logprobs": 3, "echo": true, "n": 1, "user": "ignored", "presence_penalty": 0})");
  EXPECT_EQ(r.prompt.front(), tokenizer_.bos_id());
  EXPECT_EQ(r.prompt_text, "The jury");
  EXPECT_EQ(r.max_tokens, 7u);
  EXPECT_EQ(r.sampling.temperature, 0.0f);
  EXPECT_EQ(r.sampling.top_k, 0u);
  EXPECT_EQ(r.sampling.seed, uint64_t(-3));
  EXPECT_EQ(r.stop, std::vector<std::string>{"x"});
  EXPECT_TRUE(r.stream && r.include_usage && r.echo);
  EXPECT_EQ(r.logprobs, 3);
  EXPECT_TRUE(r.wants_prompt_logprobs());

  const auto ids = parse(Endpoint::Completions, R"({"model": "m", "prompt": [[5, 6, 7]]})");
  EXPECT_EQ(ids.prompt, (std::vector<uint32_t>{5, 6, 7}));
  EXPECT_EQ(ids.max_tokens, limits_.default_max_tokens);

  const auto chat = parse(Endpoint::Chat, R"({"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
      "logprobs": true, "top_logprobs": 2, "max_completion_tokens": 5})");
  EXPECT_EQ(chat.prompt_text, "User: Hi\nAssistant:");
  EXPECT_EQ(chat.stop, std::vector<std::string>{kChatTurnStop});
  EXPECT_EQ(chat.logprobs, 2);
  EXPECT_EQ(chat.max_tokens, 5u);
}

TEST_F(RequestParsing, RefusesWithTheStatusAndNamesTheField) {
  const std::vector<std::tuple<Endpoint, std::string, unsigned, std::string>> cases = {
      {Endpoint::Completions, "", 400, "not valid JSON"},
      {Endpoint::Completions, "nul", 400, "not valid JSON"},
      {Endpoint::Completions, std::string(100, '[') + std::string(100, ']'), 400, "not valid JSON"},
      {Endpoint::Completions, "\"a string\"", 400, "must be a JSON object"},
      {Endpoint::Completions, R"({"prompt": "a"})", 400, "'model' is required"},
      {Endpoint::Completions, R"({"model": 5, "prompt": "a"})", 400, "'model' must be a string"},
      {Endpoint::Completions, R"({"model": "other", "prompt": "a"})", 404, "'other' does not exist"},
      {Endpoint::Completions, R"({"model": "m", "prompt": ["a", "b"]})", 400, "one prompt per request"},
      {Endpoint::Completions, R"({"model": "m", "prompt": []})", 400, "'prompt' must not be empty"},
      {Endpoint::Completions, R"({"model": "m", "prompt": [1, -2]})", 400, "token id"},
      {Endpoint::Completions, R"({"model": "m", "prompt": {"a": 1}})", 400, "'prompt' must be a string"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "max_tokens": -1})", 400, "'max_tokens' must be an integer"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "max_tokens": 99999999999999999999})", 400, "'max_tokens' must be an integer"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "temperature": 2.5})", 400, "'temperature' must be from 0 to 2"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "top_p": 0})", 400, "'top_p' must be above 0"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "stream": "yes"})", 400, "'stream' must be a boolean"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "stream_options": {}})", 400, "needs 'stream': true"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "stop": ["a", "b", "c", "d", "e"]})", 400, "at most 4"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "stop": [""]})", 400, "must not be empty"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "stop": 3})", 400, "'stop' must be a string"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "n": 2})", 400, "'n' must be an integer from 1 to 1"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "frequency_penalty": 1})", 400, "not supported"},
      {Endpoint::Completions, R"({"model": "m", "prompt": "a", "logprobs": 21})", 400, "from 0 to 20"},
      {Endpoint::Chat, R"({"model": "m"})", 400, "'messages' is required"},
      {Endpoint::Chat, R"({"model": "m", "messages": []})", 400, "at least one message"},
      {Endpoint::Chat, R"({"model": "m", "messages": ["hi"]})", 400, "must be an object"},
      {Endpoint::Chat, R"({"model": "m", "messages": [{"role": "user"}]})", 400, "content' is missing"},
      {Endpoint::Chat, R"({"model": "m", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]})", 400, "text only"},
      {Endpoint::Chat, R"({"model": "m", "messages": [{"role": "user", "content": "a"}], "top_logprobs": 2})", 400, "needs 'logprobs'"},
      {Endpoint::Chat, R"({"model": "m", "messages": [{"role": "user", "content": "a"}], "tools": [{}]})", 400, "tool calling"},
  };
  for (const auto& [endpoint, body, status, part] : cases) {
    const auto [got_status, message] = refusal(endpoint, body);
    EXPECT_EQ(got_status, status) << body << ": " << message;
    EXPECT_NE(message.find(part), std::string::npos) << body << ": " << message;
  }
  limits_.max_prompt_tokens = 3;
  const auto [status, message] = refusal(Endpoint::Completions, R"({"model": "m", "prompt": "The jury said so"})");
  EXPECT_EQ(status, 400u);
  EXPECT_NE(message.find("at most 3"), std::string::npos) << message;
}

}  // namespace
}  // namespace mmfree::serve
