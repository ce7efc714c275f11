// One client connection (Boost.Beast): reads requests under a read timeout and a body-size
// limit, lets the router answer them, and writes the answer. A generation is answered as it
// proceeds: a JSON response at its end, or server-sent events as text arrives. While a
// generation runs the session keeps reading the socket, so a client that disconnects is seen
// at once and its generation cancelled (its slot freed at the scheduler's next pass); a client
// that stops reading is cut off after the write timeout.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>

#include "serve/openai_format.hpp"
#include "serve/router.hpp"

namespace mmfree::serve {

// What every session shares with the server.
struct SessionContext {
  const ServeOptions& options;
  Router& router;
  Metrics& metrics;
  std::atomic<int> exchanges{0};     // requests read whose response is not yet complete
  std::atomic<int> connections{0};
  std::atomic<bool> shutting_down{false};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, SessionContext& context);
  ~HttpSession();
  void start();

 private:
  void read_header(bool first);
  void on_header(boost::beast::error_code ec);
  void on_body(boost::beast::error_code ec);
  void dispatch();
  // A whole response at once; then the next request, or close.
  void write_reply(Reply reply, bool keep_alive);
  void refuse(const ApiError& error, const std::string& endpoint);

  void begin_generation(Reply reply);
  void watch_disconnect();
  void on_update();
  void flush();
  void end_exchange(unsigned status);
  void abort_generation();
  // Shuts the sending side and closes once the client has seen the end.
  void close();
  void drain();

  boost::beast::tcp_stream stream_;
  SessionContext& context_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  HttpRequest request_;

  // The generation being answered, if any.
  std::shared_ptr<Generation> generation_;
  std::string endpoint_;
  GenerationTotal total_;
  bool in_exchange_ = false;
  bool streaming_ = false;
  bool header_written_ = false;
  bool chat_role_sent_ = false;
  bool writing_ = false;
  bool finished_ = false;       // the generation ended; what is queued is the last of it
  bool last_chunk_sent_ = false;
  bool closed_ = false;
  bool watching_ = false;       // a read watching for the client's disconnect is pending
  std::string out_;             // SSE bytes waiting to be written
  std::string in_flight_;       // SSE bytes being written
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_header_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> stream_serializer_;
  std::array<char, 512> watch_buffer_{};
};

}  // namespace mmfree::serve
