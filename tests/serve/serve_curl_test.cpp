// mmfree serve through curl: the endpoints, streaming, and every refusal as an OpenAI error
// object with its status. One server (golden backend, an API key, small limits) serves the suite.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "curl_client.hpp"
#include "server_process.hpp"
#include "support/cli_runner.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {
namespace {

using nlohmann::json;

constexpr const char* kModel = "mmfree-demo-d256-l6";
const std::string kAuth = "Authorization: Bearer sesame";

class ServeCurl : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--model", demo_model_dir().string(), "--backend", "golden", "--api-key", "sesame",
                                 "--max-body-bytes", "4096", "--max-prompt-tokens", "64", "--max-tokens", "256"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url(const std::string& path) { return server_->base_url() + path; }
  static CurlResult post(const std::string& path, const json& body, std::vector<std::string> extra = {"-H", kAuth}) {
    return curl_post(url(path), body.dump(), extra);
  }
  // The error object of a refusal, checked for OpenAI's shape.
  static json error_of(const CurlResult& r) {
    const json body = json::parse(r.response.body);
    EXPECT_TRUE(body.contains("error")) << r.response.body;
    const json& e = body["error"];
    EXPECT_TRUE(e["message"].is_string() && !e["message"].get<std::string>().empty()) << r.response.body;
    EXPECT_TRUE(e["type"].is_string()) << r.response.body;
    EXPECT_TRUE(e.contains("param") && e.contains("code")) << r.response.body;
    return e;
  }
  static ServerProcess* server_;
};
ServerProcess* ServeCurl::server_ = nullptr;

// What `mmfree generate` prints for the prompt, greedy: the same text the server must return.
std::string generated_text(const std::string& prompt, int tokens) {
  const CliResult r = run_cli({"generate", "--model", demo_model_dir().string(), "--backend", "golden", "--prompt", prompt, "-n",
                               std::to_string(tokens), "--ignore-eos"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string text = r.out;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST_F(ServeCurl, CompletionIsTheTextGenerateGives) {
  const auto r = post("/v1/completions", {{"model", kModel}, {"prompt", "The jury said"}, {"max_tokens", 12}, {"temperature", 0},
                                          {"echo", true}, {"ignore_eos", true}});
  ASSERT_EQ(r.response.status, 200u) << r.response.body << r.error;
  const json body = json::parse(r.response.body);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["model"], kModel);
  EXPECT_EQ(body["choices"][0]["text"], generated_text("The jury said", 12));
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 12);
  EXPECT_EQ(body["usage"]["total_tokens"], body["usage"]["prompt_tokens"].get<int>() + 12);
}

TEST_F(ServeCurl, StreamedTextEqualsTheWholeResponse) {
  const json request = {{"model", kModel}, {"prompt", "Once upon a time"}, {"max_tokens", 20}, {"temperature", 0}, {"ignore_eos", true}};
  const auto whole = post("/v1/completions", request);
  json streaming = request;
  streaming["stream"] = true;
  streaming["stream_options"] = {{"include_usage", true}};
  const auto streamed = post("/v1/completions", streaming);
  ASSERT_EQ(whole.response.status, 200u);
  ASSERT_EQ(streamed.response.status, 200u) << streamed.response.body;
  EXPECT_EQ(streamed.response.headers.at("content-type"), "text/event-stream");
  const auto events = streamed.response.events();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text;
  std::string finish;
  json usage;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const json chunk = json::parse(events[i]);
    EXPECT_EQ(chunk["object"], "text_completion");
    if (chunk["choices"].empty()) {
      usage = chunk["usage"];
      continue;
    }
    text += chunk["choices"][0]["text"].get<std::string>();
    if (!chunk["choices"][0]["finish_reason"].is_null()) finish = chunk["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(text, json::parse(whole.response.body)["choices"][0]["text"].get<std::string>());
  EXPECT_EQ(finish, "length");
  EXPECT_EQ(usage["completion_tokens"], 20);
}

TEST_F(ServeCurl, ChatCompletionAndItsStream) {
  const json request = {{"model", kModel}, {"messages", {{{"role", "system"}, {"content", "A story."}}, {{"role", "user"}, {"content", "Tell me one."}}}},
                        {"max_tokens", 10}, {"temperature", 0}, {"ignore_eos", true}};
  const auto whole = post("/v1/chat/completions", request);
  ASSERT_EQ(whole.response.status, 200u) << whole.response.body;
  const json body = json::parse(whole.response.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  json streaming = request;
  streaming["stream"] = true;
  const auto streamed = post("/v1/chat/completions", streaming);
  const auto events = streamed.response.events();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.back(), "[DONE]");
  const json first = json::parse(events.front());
  EXPECT_EQ(first["object"], "chat.completion.chunk");
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  std::string text;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const json delta = json::parse(events[i])["choices"][0]["delta"];
    if (delta.contains("content")) text += delta["content"].get<std::string>();
  }
  EXPECT_EQ(text, body["choices"][0]["message"]["content"].get<std::string>());
}

TEST_F(ServeCurl, TokenIdPromptsLogprobsAndStopStrings) {
  // The ids of "The jury said" with BOS, as a token-id prompt: the same continuation.
  const auto by_text = post("/v1/completions", {{"model", kModel}, {"prompt", "The jury said"}, {"max_tokens", 8}, {"temperature", 0},
                                                {"echo", true}, {"logprobs", 2}});
  ASSERT_EQ(by_text.response.status, 200u) << by_text.response.body;
  const json text_body = json::parse(by_text.response.body);
  const json& logprobs = text_body["choices"][0]["logprobs"];
  const auto prompt_tokens = text_body["usage"]["prompt_tokens"].get<std::size_t>();
  const auto completion_tokens = text_body["usage"]["completion_tokens"].get<std::size_t>();
  ASSERT_EQ(logprobs["tokens"].size(), prompt_tokens + completion_tokens);
  EXPECT_TRUE(logprobs["token_logprobs"][0].is_null());  // nothing predicts the first token
  for (std::size_t i = 1; i < logprobs["token_logprobs"].size(); ++i) {
    EXPECT_LE(logprobs["token_logprobs"][i].get<double>(), 0.0);
    EXPECT_EQ(logprobs["top_logprobs"][i].size(), 2u);
  }
  // Greedy: every generated token is its position's most likely one.
  for (std::size_t i = prompt_tokens; i < logprobs["tokens"].size(); ++i) {
    double best = -1e30;
    for (const auto& [token, value] : logprobs["top_logprobs"][i].items()) best = std::max(best, value.get<double>());
    EXPECT_DOUBLE_EQ(logprobs["token_logprobs"][i].get<double>(), best);
  }

  const std::string continuation = json::parse(post("/v1/completions", {{"model", kModel}, {"prompt", "The jury said"}, {"max_tokens", 8},
                                                                         {"temperature", 0}})
                                                   .response.body)["choices"][0]["text"];
  ASSERT_GT(continuation.size(), 4u);
  // The same prompt as token ids (BOS first, as a text prompt gets): the same continuation.
  const Tokenizer tokenizer(demo_model().tokenizer_model());
  std::vector<uint32_t> ids{tokenizer.bos_id()};
  for (uint32_t id : tokenizer.encode("The jury said")) ids.push_back(id);
  const auto by_ids = post("/v1/completions", {{"model", kModel}, {"prompt", ids}, {"max_tokens", 8}, {"temperature", 0}});
  ASSERT_EQ(by_ids.response.status, 200u) << by_ids.response.body;
  EXPECT_EQ(json::parse(by_ids.response.body)["choices"][0]["text"], continuation);
  // Stop at a word from the middle of the continuation: the text ends right before it.
  const std::size_t cut = continuation.find(' ', 2);
  ASSERT_NE(cut, std::string::npos);
  const std::string stop = continuation.substr(cut, 4);
  const auto stopped = post("/v1/completions", {{"model", kModel}, {"prompt", "The jury said"}, {"max_tokens", 8}, {"temperature", 0}, {"stop", {stop}}});
  const json stopped_body = json::parse(stopped.response.body);
  EXPECT_EQ(stopped_body["choices"][0]["text"], continuation.substr(0, continuation.find(stop)));
  EXPECT_EQ(stopped_body["choices"][0]["finish_reason"], "stop");
}

TEST_F(ServeCurl, ListensOnLoopbackUnlessTold) { EXPECT_EQ(server_->address(), "127.0.0.1"); }

TEST_F(ServeCurl, ModelsHealthReadyMetrics) {
  const auto models = curl({"-H", kAuth, url("/v1/models")});
  ASSERT_EQ(models.response.status, 200u);
  EXPECT_EQ(json::parse(models.response.body)["data"][0]["id"], kModel);
  EXPECT_EQ(curl({"-H", kAuth, url(std::string("/v1/models/") + kModel)}).response.status, 200u);
  // Probes need no key.
  EXPECT_EQ(curl({url("/health")}).response.status, 200u);
  const auto ready = curl({url("/ready")});
  EXPECT_EQ(ready.response.status, 200u);
  EXPECT_EQ(json::parse(ready.response.body)["devices"][0]["device"], "golden:0");
  const auto metrics = curl({url("/metrics")});
  EXPECT_EQ(metrics.response.status, 200u);
  EXPECT_EQ(metrics.response.headers.at("content-type").rfind("text/plain", 0), 0u);
  for (const char* name : {"mmfree_generation_tokens_total", "mmfree_queue_length", "mmfree_slots_busy", "mmfree_device_up{device=\"golden:0\"} 1",
                           "mmfree_device_kernel_cycles_total", "mmfree_time_to_first_token_seconds_count"})
    EXPECT_NE(metrics.response.body.find(name), std::string::npos) << name;
}

TEST_F(ServeCurl, RefusalsAreOpenAIErrors) {
  struct Case {
    std::string path;
    std::string body;
    std::vector<std::string> extra;
    unsigned status;
    std::string message_part;
  };
  const std::string big_prompt(5000, 'a');
  std::string long_prompt;
  for (int i = 0; i < 80; ++i) long_prompt += "jury ";
  const std::vector<Case> cases = {
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": )", {"-H", kAuth}, 400, "not valid JSON"},
      {"/v1/completions", R"([1, 2, 3])", {"-H", kAuth}, 400, "must be a JSON object"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": "a", "temperature": "hot"})", {"-H", kAuth}, 400, "'temperature' must be a number"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": "a", "max_tokens": 1.5})", {"-H", kAuth}, 400, "'max_tokens' must be an integer"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": "a", "max_tokens": 100000})", {"-H", kAuth}, 400, "at most 256"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": [1, 99999999]})", {"-H", kAuth}, 400, "token id"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6"})", {"-H", kAuth}, 400, "'prompt' is required"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": ")" + long_prompt + R"("})", {"-H", kAuth}, 400, "at most 64"},
      {"/v1/chat/completions", R"({"model": "mmfree-demo-d256-l6", "messages": [{"role": "wizard", "content": "hi"}]})", {"-H", kAuth}, 400, "system, user or assistant"},
      {"/v1/completions", R"({"model": "gpt-4", "prompt": "a"})", {"-H", kAuth}, 404, "'gpt-4' does not exist"},
      {"/v1/nothing", R"({})", {"-H", kAuth}, 404, "no such endpoint"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": "a"})", {}, 401, "API key"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": "a"})", {"-H", "Authorization: Bearer sesamf"}, 401, "not valid"},
      {"/v1/completions", R"({"model": "mmfree-demo-d256-l6", "prompt": ")" + big_prompt + R"("})", {"-H", kAuth}, 413, "limit of 4096 bytes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + " " + c.body.substr(0, 100));
    const auto r = curl_post(url(c.path), c.body, c.extra);
    EXPECT_EQ(r.response.status, c.status) << r.response.body << r.error;
    if (r.response.status == 0) continue;
    const json e = error_of(r);
    EXPECT_NE(e["message"].get<std::string>().find(c.message_part), std::string::npos) << e.dump();
    if (c.status == 401) {
      EXPECT_EQ(r.response.headers.at("www-authenticate"), "Bearer");
    }
  }
  // The server is still up and answering after every refusal.
  EXPECT_EQ(curl({url("/health")}).response.status, 200u);
}

// A second server with one slot and a queue of one: a running request and a waiting one
// leave no room, so the next is refused with 429 and Retry-After; when the running client
// hangs up, its slot goes to the waiting request at once.
TEST(ServeQueue, FullQueueIs429AndAHangUpFreesTheSlot) {
  ServerProcess server({"--model", demo_model_dir().string(), "--backend", "golden", "--slots", "1", "--max-queue", "1", "--max-tokens", "1000000"});
  const auto metric = [&](const std::string& name) {
    const auto text = http_request(server.port(), "GET", "/metrics").body;
    const std::regex line("\n" + name + " ([0-9]+)");
    std::smatch m;
    return std::regex_search(text, m, line) ? std::stoi(m[1].str()) : -1;
  };
  // Runs until its client hangs up (a million tokens).
  StreamingRequest holder(server.port(), "/v1/completions",
                          json({{"model", kModel}, {"prompt", "The jury said"}, {"max_tokens", 1000000}, {"temperature", 0}, {"ignore_eos", true},
                                {"stream", true}}).dump());
  ASSERT_EQ(holder.wait_events(1), 1u);
  EXPECT_EQ(metric("mmfree_slots_busy"), 1);
  HttpResponse waited;
  std::thread waiter([&] {
    waited = http_request(server.port(), "POST", "/v1/completions", json({{"model", kModel}, {"prompt", "b"}, {"max_tokens", 2}, {"temperature", 0}}).dump());
  });
  for (int i = 0; i < 5000 && metric("mmfree_queue_length") != 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(metric("mmfree_queue_length"), 1);
  const auto refused = curl_post(server.base_url() + "/v1/completions", json({{"model", kModel}, {"prompt", "c"}, {"max_tokens", 2}}).dump());
  EXPECT_EQ(refused.response.status, 429u) << refused.response.body;
  EXPECT_EQ(refused.response.headers.at("retry-after"), "1");
  EXPECT_EQ(json::parse(refused.response.body)["error"]["code"], "queue_full");
  holder.hang_up();
  waiter.join();
  EXPECT_EQ(waited.status, 200u) << waited.body;
  for (int i = 0; i < 5000 && metric("mmfree_slots_busy") != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(metric("mmfree_slots_busy"), 0);
  EXPECT_NE(http_request(server.port(), "GET", "/metrics").body.find("mmfree_requests_finished_total{reason=\"cancelled\"} 1"), std::string::npos);
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
}

// SIGTERM while a request streams: it still finishes whole, and the server exits 0.
TEST(ServeShutdown, SigtermFinishesInFlightRequestsAndExitsZero) {
  ServerProcess server({"--model", demo_model_dir().string(), "--backend", "golden"});
  HttpResponse streamed;
  std::thread client([&] {
    streamed = http_request(server.port(), "POST", "/v1/completions",
                            json({{"model", kModel}, {"prompt", "The jury said"}, {"max_tokens", 400}, {"temperature", 0}, {"ignore_eos", true},
                                  {"stream", true}}).dump());
  });
  // Once it is running, ask the server to stop.
  for (int i = 0; i < 2000; ++i) {
    const auto text = http_request(server.port(), "GET", "/metrics").body;
    if (text.find("\nmmfree_slots_busy 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
  client.join();
  ASSERT_EQ(streamed.status, 200u) << streamed.body;
  const auto events = streamed.events();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.back(), "[DONE]");
  EXPECT_EQ(json::parse(events[events.size() - 2])["choices"][0]["finish_reason"], "length");
  EXPECT_NE(server.stderr_text().find("SIGTERM"), std::string::npos);
}

}  // namespace
}  // namespace mmfree::test
