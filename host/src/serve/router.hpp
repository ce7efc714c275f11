// What each request gets: the endpoints of the OpenAI API this server implements, the health
// endpoints and the metrics, authentication, and every refusal as an OpenAI error object.
// A generation request is handed to the scheduler; its response is then the session's to
// write as the generation proceeds.
#pragma once

#include <boost/beast/http.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mmfree/tokenizer/tokenizer.hpp"
#include "serve/generation.hpp"
#include "serve/metrics.hpp"
#include "serve/scheduler.hpp"
#include "serve/serve_options.hpp"

namespace mmfree::serve {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Retry-After, WWW-Authenticate, Allow
  std::shared_ptr<Generation> generation;                    // set: the body is this generation's
  std::string endpoint;                                      // the metrics label
};

// A Reply carrying `error`'s object (and Retry-After for a 429).
Reply error_reply(const ApiError& error, std::string endpoint);

class Router {
 public:
  // Everything referenced outlives the router.
  Router(const ServeOptions& options, const Tokenizer& tokenizer, Scheduler& scheduler, Metrics& metrics);

  Reply handle(const HttpRequest& request);

 private:
  Reply route(const HttpRequest& request, std::string& endpoint);
  void authenticate(const HttpRequest& request) const;
  Reply ready();

  const ServeOptions& options_;
  const Tokenizer& tokenizer_;
  Scheduler& scheduler_;
  Metrics& metrics_;
  const int64_t created_;
};

}  // namespace mmfree::serve
