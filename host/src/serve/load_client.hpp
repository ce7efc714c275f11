// The client side of `mmfree bench-serve`: one streamed completion request over a plain TCP
// connection, timed as a user sees it: when each server-sent event arrived, from which time to
// first token and inter-token latency follow, and the usage the server reported.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mmfree::serve {

struct StreamTiming {
  bool ok = false;
  std::string error;                   // why not ok
  double seconds = 0;                  // request sent -> [DONE]
  double first_token_seconds = 0;      // request sent -> the first event with text
  std::vector<double> token_gaps;      // seconds between consecutive events with text
  uint32_t completion_tokens = 0;      // from the usage chunk
};

// POSTs `body` (a streaming request with stream_options.include_usage) to host:port + target,
// with `api_key` as a Bearer token when not empty, and reads the stream to its end.
StreamTiming timed_stream(const std::string& host, uint16_t port, const std::string& target, const std::string& body,
                          const std::string& api_key);

}  // namespace mmfree::serve
