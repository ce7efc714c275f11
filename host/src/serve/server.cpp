#include "serve/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

#include "mmfree/error.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "serve/http_session.hpp"
#include "serve/metrics.hpp"
#include "serve/router.hpp"
#include "serve/scheduler.hpp"

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace mmfree::serve {
namespace {

// More open connections than this are closed at once: each costs a socket and buffers, and a
// flood of idle ones must not exhaust file descriptors.
constexpr int kMaxConnections = 1024;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, tcp::acceptor& acceptor, SessionContext& context) : io_(io), acceptor_(acceptor), context_(context) {}

  void accept() {
    acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
      if (!ec) {
        if (self->context_.connections.load() >= kMaxConnections) {
          boost::system::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<HttpSession>(std::move(socket), self->context_)->start();
        }
      }
      self->accept();
    });
  }

 private:
  net::io_context& io_;
  tcp::acceptor& acceptor_;
  SessionContext& context_;
};

}  // namespace

int run_server(const Model& model, ServeOptions options, const std::function<void(const std::string&, uint16_t)>& on_listening) {
  // A client that vanishes mid-write must cost an error code, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) throw UsageError("--host '" + options.host + "' is not an IP address");

  const Tokenizer tokenizer(model.tokenizer_model());
  Metrics metrics;
  Scheduler scheduler(model, tokenizer, options, metrics);
  Router router(options, tokenizer, scheduler, metrics);
  SessionContext context{options, router, metrics};

  net::io_context io(int(options.http_threads));
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw UsageError("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + ec.message());
  std::make_shared<Listener>(io, acceptor, context)->accept();

  // SIGTERM (Kubernetes, systemd) or SIGINT: stop accepting, drain, then stop.
  net::signal_set signals(io, SIGTERM, SIGINT);
  net::steady_timer drain_timer(io);
  std::chrono::steady_clock::time_point deadline;
  bool failed_rest = false;
  std::function<void()> check_drained = [&] {
    const auto now = std::chrono::steady_clock::now();
    if (!failed_rest && (scheduler.idle() || now >= deadline)) {
      // What has not finished within the grace period fails (503), and its client is told.
      scheduler.shutdown();
      failed_rest = true;
      deadline = now + std::chrono::seconds(2);
    }
    if (failed_rest && (context.exchanges.load() == 0 || now >= deadline)) {
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](boost::system::error_code) { check_drained(); });
  };
  signals.async_wait([&](boost::system::error_code error, int signal) {
    if (error) return;
    std::fprintf(stderr, "mmfree serve: %s: no new requests; finishing the ones in flight (up to %.0f s)\n",
                 signal == SIGTERM ? "SIGTERM" : "SIGINT", std::chrono::duration<double>(options.shutdown_grace).count());
    context.shutting_down = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    scheduler.stop_accepting();
    deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
    check_drained();
  });

  on_listening(acceptor.local_endpoint().address().to_string(), acceptor.local_endpoint().port());
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < options.http_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  scheduler.shutdown();
  std::fprintf(stderr, "mmfree serve: stopped\n");
  return 0;
}

}  // namespace mmfree::serve
