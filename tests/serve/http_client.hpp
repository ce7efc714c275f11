// A small HTTP/1.1 client over a plain TCP socket, for the tests that need what curl cannot do
// from a test body cheaply: many concurrent exchanges from threads, hanging up in the middle
// of a stream, and bytes that are not HTTP at all. Every socket read has a time limit, so a
// server that stops answering fails the test instead of hanging it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmfree::test {

struct HttpResponse {
  unsigned status = 0;                        // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers; // names lower-cased
  std::string body;                           // de-chunked
  // The payloads of the body's server-sent events ("data: X" -> X), in order.
  std::vector<std::string> events() const;
};

// A response as it came over the wire (interim 100 responses skipped); `chunked_body`: the body
// is still in chunked framing (false for curl -i's output, which curl has de-chunked).
HttpResponse parse_http_response(const std::string& raw, bool chunked_body = true);

// POSTs (or GETs, with an empty body and method "GET") and reads the whole response.
HttpResponse http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& body = {},
                          const std::map<std::string, std::string>& headers = {});

// A streaming request whose client hangs up when told to.
class StreamingRequest {
 public:
  StreamingRequest(uint16_t port, const std::string& target, const std::string& body);
  ~StreamingRequest();
  // Reads until `events` server-sent events have arrived in all; returns how many did (fewer
  // when the stream ended first).
  std::size_t wait_events(std::size_t events);
  // Closes the connection.
  void hang_up();

 private:
  int fd_ = -1;
  std::string raw_;
};

// Sends `bytes` as they are and returns everything the server answers until it closes.
std::string raw_exchange(uint16_t port, const std::string& bytes);

// Sends `bytes` and keeps the connection open without sending more; true when the server
// closes it (within the socket time limit), whatever it answered first.
bool server_closes_after(uint16_t port, const std::string& bytes);

}  // namespace mmfree::test
