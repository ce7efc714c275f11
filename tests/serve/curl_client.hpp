// curl, the reference HTTP client, run as a child process against a test's server.
#pragma once

#include <string>
#include <vector>

#include "http_client.hpp"

namespace mmfree::test {

struct CurlResult {
  int exit_code = -1;
  HttpResponse response;
  std::string error;  // curl's stderr
};

// Runs `curl -sS -i args...` and parses what it printed.
CurlResult curl(const std::vector<std::string>& args);

// curl POSTing `body` as JSON to base_url + path (with -N: server-sent events as they come).
CurlResult curl_post(const std::string& url, const std::string& body, const std::vector<std::string>& extra = {});

}  // namespace mmfree::test
