// What the concurrent suites share: request bodies, reading a response's text, reading a
// metric, and running one function per client thread released at the same moment.
#pragma once

#include <barrier>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"

namespace mmfree::test {

inline constexpr const char* kDemoModelId = "mmfree-demo-d256-l6";

// A greedy completion request of `tokens` tokens that ignores EOS (so its length is known).
inline std::string greedy_request(const std::string& prompt, int tokens, bool stream = false) {
  return nlohmann::json({{"model", kDemoModelId}, {"prompt", prompt}, {"max_tokens", tokens}, {"temperature", 0}, {"ignore_eos", true},
                         {"stream", stream}})
      .dump();
}

// The text of a completion response, or "<status: body>" so that a mismatch shows why.
inline std::string completion_text(const HttpResponse& r) {
  if (r.status != 200) {
    std::string refusal = "<";
    refusal += std::to_string(r.status);
    refusal += ": ";
    refusal += r.body;
    refusal += '>';
    return refusal;
  }
  return nlohmann::json::parse(r.body)["choices"][0]["text"].get<std::string>();
}

// The value of an unlabelled (or fully labelled) metric in `/metrics` text; -1 when absent.
inline double metric_value(const std::string& text, const std::string& name) {
  std::string key = "\n";
  key += name;
  key += ' ';
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

inline double metric(uint16_t port, const std::string& name) {
  return metric_value(http_request(port, "GET", "/metrics").body, name);
}

// Runs body(i) for i in [0, clients) on as many threads, all released together.
inline void run_clients(std::size_t clients, const std::function<void(std::size_t)>& body) {
  std::barrier start(std::ptrdiff_t(clients + 0));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  for (auto& t : threads) t.join();
}

}  // namespace mmfree::test
