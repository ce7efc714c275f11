#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <utility>

#include "mmfree/error.hpp"

namespace mmfree::test {
namespace {

// Longer than any exchange of the suites takes, short enough to fail rather than hang CTest.
constexpr int kSocketSeconds = 60;

class Socket {
 public:
  explicit Socket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw Error("socket() failed");
    timeval limit{kSocketSeconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw Error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Gives up ownership of the descriptor.
  int release() { return std::exchange(fd_, -1); }
  void send_all(const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may refuse early and close; its answer is still read
      sent += std::size_t(n);
    }
  }
  // What recv() last returned: 0 at the end of the stream, -1 for an error or the time limit.
  ssize_t last = 1;
  // Appends what arrives; false at the end of the stream, an error or the time limit.
  bool receive(std::string& into) {
    char buffer[8192];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    last = n;
    if (n <= 0) return false;
    into.append(buffer, std::size_t(n));
    return true;
  }

 private:
  int fd_;
};

std::string request_text(const std::string& method, const std::string& target, const std::string& body,
                         const std::map<std::string, std::string>& headers) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (method != "GET") text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return text + "\r\n" + body;
}

std::string dechunk(const std::string& body) {
  std::string out;
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t line_end = body.find("\r\n", at);
    if (line_end == std::string::npos) break;
    const std::size_t size = std::stoul(body.substr(at, line_end - at), nullptr, 16);
    if (size == 0) break;
    out += body.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}

}  // namespace

HttpResponse parse_http_response(const std::string& raw, bool chunked_body) {
  HttpResponse response;
  std::size_t start = 0;
  // Skip interim responses (100 Continue).
  while (raw.compare(start, 9, "HTTP/1.1 ") == 0 && raw.compare(start + 9, 1, "1") == 0) {
    const std::size_t end = raw.find("\r\n\r\n", start);
    if (end == std::string::npos) return response;
    start = end + 4;
  }
  const std::size_t head_end = raw.find("\r\n\r\n", start);
  if (head_end == std::string::npos || raw.compare(start, 5, "HTTP/") != 0) return response;
  const std::string head = raw.substr(start, head_end - start);
  response.status = unsigned(std::stoul(head.substr(head.find(' ') + 1, 3)));
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos) {
    const std::size_t next = head.find("\r\n", line + 2);
    const std::string header = head.substr(line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
    const std::size_t colon = header.find(':');
    if (colon != std::string::npos) {
      std::string name = header.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      std::string value = header.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[name] = value;
    }
    line = next;
  }
  response.body = raw.substr(head_end + 4);
  const auto encoding = response.headers.find("transfer-encoding");
  if (chunked_body && encoding != response.headers.end() && encoding->second == "chunked") response.body = dechunk(response.body);
  return response;
}

std::vector<std::string> HttpResponse::events() const {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = body.find("data: ", at)) != std::string::npos) {
    const std::size_t end = body.find("\n\n", at);
    out.push_back(body.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6));
    if (end == std::string::npos) break;
    at = end + 2;
  }
  return out;
}

HttpResponse http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                          const std::map<std::string, std::string>& headers) {
  Socket socket(port);
  socket.send_all(request_text(method, target, body, headers));
  std::string raw;
  while (socket.receive(raw)) {
  }
  return parse_http_response(raw);
}

StreamingRequest::StreamingRequest(uint16_t port, const std::string& target, const std::string& body) {
  auto socket = std::make_unique<Socket>(port);
  socket->send_all(request_text("POST", target, body, {}));
  fd_ = socket->release();
}

StreamingRequest::~StreamingRequest() { hang_up(); }

std::size_t StreamingRequest::wait_events(std::size_t events) {
  std::size_t seen = 0;
  while (fd_ >= 0) {
    seen = 0;
    for (std::size_t at = raw_.find("data: "); at != std::string::npos; at = raw_.find("data: ", at + 1)) ++seen;
    if (seen >= events) break;
    char buffer[8192];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw_.append(buffer, std::size_t(n));
  }
  return std::min(seen, events);
}

void StreamingRequest::hang_up() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string raw_exchange(uint16_t port, const std::string& bytes) {
  Socket socket(port);
  socket.send_all(bytes);
  std::string raw;
  while (socket.receive(raw)) {
  }
  return raw;
}

bool server_closes_after(uint16_t port, const std::string& bytes) {
  Socket socket(port);
  socket.send_all(bytes);
  std::string raw;
  while (socket.receive(raw)) {
  }
  return socket.last == 0;
}

}  // namespace mmfree::test
