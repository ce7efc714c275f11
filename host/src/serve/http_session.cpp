#include "serve/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "serve/api_error.hpp"
#include "serve/sse.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace mmfree::serve {
namespace {

// Headers of a request: a real client sends well under 8 KiB.
constexpr uint32_t kMaxHeaderBytes = 16 * 1024;

// A request the HTTP parser refused (as opposed to a connection that ended or timed out).
bool is_malformed(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, SessionContext& context)
    : stream_(std::move(socket)), context_(context) {
  ++context_.connections;
}

HttpSession::~HttpSession() {
  if (generation_ && !finished_) generation_->cancel();
  if (in_exchange_) --context_.exchanges;
  --context_.connections;
}

void HttpSession::start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(true); });
}

void HttpSession::read_header(bool first) {
  if (context_.shutting_down) return close();
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(context_.options.max_body_bytes);
  // A new connection must send its request within the read timeout; a kept-alive one may
  // wait for its next request up to the idle timeout.
  stream_.expires_after(first ? context_.options.read_timeout : context_.options.idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return refuse(too_large("the request body is larger than this server's limit of " +
                            std::to_string(context_.options.max_body_bytes) + " bytes"),
                  "other");
  }
  if (ec == http::error::header_limit) {
    return refuse(ApiError(431, "the request headers are larger than " + std::to_string(kMaxHeaderBytes) + " bytes", "invalid_request_error"),
                  "other");
  }
  if (ec) {
    // End of stream, a timeout or a reset: nothing to answer. Bad HTTP gets a 400.
    if (is_malformed(ec)) return refuse(bad_request(std::string("malformed HTTP request: ") + ec.message()), "other");
    return close();
  }
  const auto& header = parser_->get();
  if (const auto expect = header.find(http::field::expect);
      expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
    // curl asks before sending a larger body; the limits above were already checked.
    auto self = shared_from_this();
    auto continue_response = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
    stream_.expires_after(context_.options.write_timeout);
    http::async_write(stream_, *continue_response, [self, continue_response](beast::error_code ec2, std::size_t) {
      if (ec2) return self->close();
      self->stream_.expires_after(self->context_.options.read_timeout);
      http::async_read(self->stream_, self->buffer_, *self->parser_, [self](beast::error_code ec3, std::size_t) { self->on_body(ec3); });
    });
    return;
  }
  stream_.expires_after(context_.options.read_timeout);
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec2, std::size_t) { self->on_body(ec2); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (ec == http::error::body_limit)
    return refuse(too_large("the request body is larger than this server's limit of " +
                            std::to_string(context_.options.max_body_bytes) + " bytes"),
                  "other");
  if (ec) {
    if (is_malformed(ec)) return refuse(bad_request(std::string("malformed HTTP request: ") + ec.message()), "other");
    return close();
  }
  request_ = parser_->release();
  dispatch();
}

void HttpSession::dispatch() {
  in_exchange_ = true;
  ++context_.exchanges;
  Reply reply = context_.router.handle(request_);
  if (reply.generation) return begin_generation(std::move(reply));
  write_reply(std::move(reply), request_.keep_alive() && !context_.shutting_down);
}

void HttpSession::refuse(const ApiError& error, const std::string& endpoint) {
  if (!in_exchange_) {
    in_exchange_ = true;
    ++context_.exchanges;
  }
  write_reply(error_reply(error, endpoint), false);
}

void HttpSession::end_exchange(unsigned status) {
  if (!in_exchange_) return;
  context_.metrics.count_response(endpoint_.empty() ? "other" : endpoint_, status);
  in_exchange_ = false;
  --context_.exchanges;
}

void HttpSession::write_reply(Reply reply, bool keep_alive) {
  auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status),
                                                                       request_.version() ? request_.version() : 11);
  response->set(http::field::server, "mmfree");
  response->set(http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) response->set(name, value);
  response->keep_alive(keep_alive);
  response->body() = std::move(reply.body);
  if (reply.content_type.starts_with("application/json")) response->body() += '\n';
  response->prepare_payload();
  endpoint_ = reply.endpoint;
  const unsigned status = reply.status;
  stream_.expires_after(context_.options.write_timeout);
  http::async_write(stream_, *response, [self = shared_from_this(), response, keep_alive, status](beast::error_code ec, std::size_t) {
    self->end_exchange(status);
    if (ec || !keep_alive) return self->close();
    self->endpoint_.clear();
    self->read_header(false);
  });
}

void HttpSession::begin_generation(Reply reply) {
  generation_ = std::move(reply.generation);
  endpoint_ = reply.endpoint;
  streaming_ = generation_->request().stream;
  stream_.expires_never();
  watching_ = true;
  watch_disconnect();
  std::weak_ptr<HttpSession> weak = shared_from_this();
  generation_->set_listener([weak] {
    if (auto self = weak.lock()) net::post(self->stream_.get_executor(), [self] { self->on_update(); });
  });
}

void HttpSession::watch_disconnect() {
  // Reads the raw socket (no timeout of its own) only to see the client go: whatever a client
  // sends after its request while it waits is read and dropped.
  stream_.socket().async_read_some(net::buffer(watch_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    // Once the generation has ended only writing is left, and a failed write says the rest.
    if (self->closed_ || self->finished_) return;
    if (ec) return self->abort_generation();
    self->watch_disconnect();
  });
}

void HttpSession::abort_generation() {
  if (closed_) return;
  if (generation_ && !finished_) generation_->cancel();
  // nginx's code for a client that closed the request; only ever seen in /metrics.
  end_exchange(499);
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().close(ignored);
}

void HttpSession::on_update() {
  if (closed_ || finished_) return;
  GenerationUpdate update = generation_->take();
  const std::string& model_id = context_.options.model_id;
  if (!streaming_) {
    total_.add(update);
    if (!update.finished) return;
    finished_ = true;
    Reply reply;
    if (update.error) {
      reply = error_reply(*update.error, endpoint_);
    } else {
      reply.body = response_json(*generation_, model_id, total_);
      reply.endpoint = endpoint_;
    }
    generation_->set_listener(nullptr);
    // A generation's connection is not kept alive: the socket is being watched for the
    // client's disconnect, which a next request on it would confuse.
    return write_reply(std::move(reply), false);
  }

  if (!header_written_ && !stream_header_ && update.finished && update.error) {
    // Failed before anything was sent: an ordinary error response, with its status.
    finished_ = true;
    generation_->set_listener(nullptr);
    return write_reply(error_reply(*update.error, endpoint_), false);
  }
  const bool chat = generation_->request().endpoint == Endpoint::Chat;
  if (!update.text.empty() || !update.logprobs.empty() || (chat && !chat_role_sent_)) {
    out_ += sse_event(chunk_json(*generation_, model_id, update.text, update.logprobs, FinishReason::None, chat && !chat_role_sent_));
    chat_role_sent_ = true;
  }
  total_.add(update);
  if (update.finished) {
    finished_ = true;
    generation_->set_listener(nullptr);
    if (update.error) {
      out_ += sse_event(error_body(*update.error));
    } else {
      out_ += sse_event(chunk_json(*generation_, model_id, "", {}, update.reason, false));
      if (generation_->request().include_usage)
        out_ += sse_event(usage_chunk_json(*generation_, model_id, total_.prompt_tokens, total_.completion_tokens));
    }
    out_ += sse_done();
  }
  flush();
}

void HttpSession::flush() {
  if (writing_ || closed_) return;
  auto self = shared_from_this();
  if (!stream_header_) {
    stream_header_.emplace(http::status::ok, request_.version() ? request_.version() : 11);
    stream_header_->set(http::field::server, "mmfree");
    stream_header_->set(http::field::content_type, "text/event-stream");
    stream_header_->set(http::field::cache_control, "no-cache");
    stream_header_->keep_alive(false);
    stream_header_->chunked(true);
    stream_serializer_.emplace(*stream_header_);
    writing_ = true;
    stream_.expires_after(context_.options.write_timeout);
    http::async_write_header(stream_, *stream_serializer_, [self](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->abort_generation();
      self->header_written_ = true;
      self->flush();
    });
    return;
  }
  if (!out_.empty()) {
    in_flight_ = std::move(out_);
    out_.clear();
    writing_ = true;
    stream_.expires_after(context_.options.write_timeout);
    net::async_write(stream_, http::make_chunk(net::buffer(in_flight_)), [self](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->abort_generation();
      self->flush();
    });
    return;
  }
  if (finished_ && !last_chunk_sent_) {
    writing_ = true;
    stream_.expires_after(context_.options.write_timeout);
    net::async_write(stream_, http::make_chunk_last(), [self](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      self->last_chunk_sent_ = true;
      if (ec) return self->abort_generation();
      self->end_exchange(200);
      self->close();
    });
    return;
  }
  stream_.expires_never();
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  if (watching_) {
    stream_.socket().close(ignored);
    return;
  }
  drain();
}

void HttpSession::drain() {
  // Closing a socket with unread input resets the connection, and a client still sending a
  // refused body would lose the refusal; read what it sends for a moment first.
  stream_.expires_after(std::chrono::seconds(1));
  stream_.async_read_some(net::buffer(watch_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
      return;
    }
    self->drain();
  });
}

}  // namespace mmfree::serve
