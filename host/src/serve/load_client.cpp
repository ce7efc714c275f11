#include "serve/load_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

namespace net = boost::asio;
namespace json = boost::json;

namespace mmfree::serve {

StreamTiming timed_stream(const std::string& host, uint16_t port, const std::string& target, const std::string& body,
                          const std::string& api_key) {
  using Clock = std::chrono::steady_clock;
  StreamTiming timing;
  try {
    net::io_context io;
    net::ip::tcp::socket socket(io);
    net::ip::tcp::resolver resolver(io);
    net::connect(socket, resolver.resolve(host, std::to_string(port)));
    std::string request = "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nConnection: close\r\n";
    if (!api_key.empty()) request += "Authorization: Bearer " + api_key + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    const auto start = Clock::now();
    net::write(socket, net::buffer(request));

    // Events are found in the raw bytes: the server writes whole events per chunk, so a
    // chunk-size line never falls inside one.
    std::string raw;
    std::size_t scanned = 0;
    bool done = false;
    Clock::time_point last_text;
    bool have_text = false;
    char buffer[16384];
    while (!done) {
      boost::system::error_code ec;
      const std::size_t n = socket.read_some(net::buffer(buffer), ec);
      const auto now = Clock::now();
      if (n > 0) raw.append(buffer, n);
      if (scanned == 0 && raw.size() >= 12 && raw.compare(0, 12, "HTTP/1.1 200") != 0) {
        timing.error = raw.substr(0, raw.find("\r\n\r\n") == std::string::npos ? raw.size() : raw.find("\r\n\r\n") + 4 + 300);
        return timing;
      }
      for (std::size_t at; (at = raw.find("data: ", scanned)) != std::string::npos;) {
        const std::size_t end = raw.find("\n\n", at);
        if (end == std::string::npos) break;
        const std::string payload = raw.substr(at + 6, end - at - 6);
        scanned = end + 2;
        if (payload == "[DONE]") {
          done = true;
          break;
        }
        const json::value event = json::parse(payload);
        if (event.as_object().contains("error")) {
          timing.error = payload;
          return timing;
        }
        if (const auto* usage = event.as_object().if_contains("usage"); usage && usage->is_object())
          timing.completion_tokens = uint32_t(usage->as_object().at("completion_tokens").to_number<int64_t>());
        const auto& choices = event.as_object().at("choices").as_array();
        if (choices.empty() || choices[0].as_object().at("text").as_string().empty()) continue;
        if (!have_text) {
          timing.first_token_seconds = std::chrono::duration<double>(now - start).count();
        } else {
          timing.token_gaps.push_back(std::chrono::duration<double>(now - last_text).count());
        }
        have_text = true;
        last_text = now;
      }
      if (ec) break;
    }
    timing.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    timing.ok = done;
    if (!done) timing.error = "the stream ended without [DONE]";
  } catch (const std::exception& e) {
    timing.error = e.what();
  }
  return timing;
}

}  // namespace mmfree::serve
