// `mmfree bench-serve`: the server under load, as its clients see it. For each number of
// concurrent clients (--clients 1,4,16), every client sends streamed completion requests one
// after another until --requests have been sent in all; printed per level: requests/s, output
// tokens/s, time to first token and inter-token latency (p50 and p99). The server is a real
// `mmfree serve` on loopback: started here from --model/--backend (or --devices), or one
// already running at --url.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bounded_value.hpp"
#include "command.hpp"
#include "engine_flags.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "serve/load_client.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {
namespace {

// Varied openings, so that prompts differ in length and content as real traffic does.
const std::vector<std::string> kPrompts = {"The jury said", "Once upon a time", "In the beginning", "The weather today",
                                           "She opened the door and", "A long time ago in a city far away", "He said",
                                           "The results of the study"};

// A `mmfree serve` child on a free port, stopped with SIGTERM.
class ServerChild {
 public:
  explicit ServerChild(std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) throw Error("pipe() failed");
    pid_ = ::fork();
    if (pid_ < 0) throw Error("fork() failed");
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      static std::string self = "/proc/self/exe";
      argv.push_back(self.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buffer[512];
    for (;;) {
      const ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      text.append(buffer, std::size_t(n));
      const auto at = text.find("listening on http://");
      if (at != std::string::npos && text.find(' ', at + 20) != std::string::npos) {
        const std::string address = text.substr(at + 20, text.find(' ', at + 20) - at - 20);
        port_ = uint16_t(std::stoi(address.substr(address.rfind(':') + 1)));
        break;
      }
    }
    ::close(out[0]);
    if (port_ == 0) {
      stop();
      throw Error("the server did not start (its error is above)");
    }
  }
  ~ServerChild() { stop(); }
  uint16_t port() const { return port_; }
  int stop() {
    if (pid_ <= 0) return 0;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t rank = std::size_t(std::ceil(p / 100.0 * double(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct Level {
  unsigned clients = 0;
  unsigned requests = 0;
  unsigned failed = 0;
  double seconds = 0;
  uint64_t tokens = 0;
  std::vector<double> ttft, gaps;
  std::string first_error;
};

}  // namespace

int run_bench_serve(const Args& args) {
  EngineFlags flags;
  std::string url, devices, clients_list = "1,4,16", model_id, api_key;
  unsigned requests = 0, max_tokens = 32;
  bool as_json = false;
  po::options_description description(
      "mmfree bench-serve: requests/s, output tokens/s, time to first token (TTFT) and inter-token\n"
      "latency (ITL) p50/p99 of `mmfree serve` at several numbers of concurrent streaming clients.\n"
      "Starts a server on loopback from --model and --backend (or --devices), or measures the one at\n"
      "--url. Each request: a prompt from a fixed set, --max-tokens tokens at temperature 0, EOS\n"
      "ignored.\n\nOptions");
  description.add_options()("help,h", "show this help")  //
      ("url", po::value(&url), "a running server (http://host:port); otherwise one is started")  //
      ("model-id", po::value(&model_id), "with --url: the model's name (default: the model's base name)")  //
      ("api-key", po::value(&api_key), "with --url: the server's API key")  //
      ("devices", po::value(&devices), "the started server's --devices")  //
      ("clients", po::value(&clients_list)->default_value(clients_list), "concurrent clients per level, a list")  //
      ("requests", bounded_value(&requests, 0u, 1u << 20)->default_value(0), "requests per level (0: 4 per client, at least 8)")  //
      ("max-tokens", bounded_value(&max_tokens, 1u, 1u << 16)->default_value(max_tokens), "tokens per request")  //
      ("json", po::bool_switch(&as_json), "print JSON instead of a table");
  add_engine_flags(description, flags);
  std::vector<std::string> with_model = args;
  if (std::find(args.begin(), args.end(), "--model") == args.end() && std::find(args.begin(), args.end(), "--help") == args.end() &&
      std::find(args.begin(), args.end(), "-h") == args.end()) {
    // --model is required by the engine flags but not with --url.
    with_model.insert(with_model.end(), {"--model", ""});
  }
  po::variables_map vm;
  if (!parse_flags_or_help(with_model, description, vm)) return 0;

  std::vector<unsigned> levels;
  {
    std::stringstream in(clients_list);
    for (std::string item; std::getline(in, item, ',');) {
      const auto n = util::parse_number_in<unsigned>(item, 1u, 4096u);
      if (!n) throw UsageError("--clients: '" + item + "' is not a number of clients from 1 to 4096");
      levels.push_back(*n);
    }
  }
  if (levels.empty()) throw UsageError("--clients is empty");

  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::unique_ptr<ServerChild> server;
  if (!url.empty()) {
    const std::string prefix = "http://";
    const auto colon = url.rfind(':');
    if (url.rfind(prefix, 0) != 0 || colon < prefix.size()) throw UsageError("--url must be http://host:port");
    host = url.substr(prefix.size(), colon - prefix.size());
    const auto parsed = util::parse_number_in<unsigned>(url.substr(colon + 1), 1u, 65535u);
    if (!parsed) throw UsageError("--url: the port must be a number from 1 to 65535");
    port = uint16_t(*parsed);
    if (model_id.empty()) throw UsageError("--url needs --model-id");
  } else {
    if (flags.model_path.empty()) throw UsageError("give --model (and --backend or --devices), or --url");
    open_model(flags);  // a clear error here rather than from the child
    const unsigned most = *std::max_element(levels.begin(), levels.end());
    std::vector<std::string> argv = {"serve", "--model", flags.model_path, "--port", "0", "--slots", std::to_string(most),
                                     "--max-queue", "100000", "--max-tokens", std::to_string(max_tokens)};
    if (!devices.empty()) {
      argv.insert(argv.end(), {"--devices", devices});
    } else {
      argv.insert(argv.end(), {"--backend", flags.backend});
    }
    for (const auto& [option, value] : flags.options.values()) argv.insert(argv.end(), {"--" + option, value});
    server = std::make_unique<ServerChild>(argv);
    port = server->port();
    std::filesystem::path p(flags.model_path);
    while (!p.empty() && p.filename().empty()) p = p.parent_path();
    model_id = p.filename().string();
    if (model_id.size() > 4 && model_id.ends_with(".mmf")) model_id.resize(model_id.size() - 4);
  }

  const auto body = [&](std::size_t k) {
    return boost::json::serialize(boost::json::object{{"model", model_id}, {"prompt", kPrompts[k % kPrompts.size()]},
                                                      {"max_tokens", max_tokens}, {"temperature", 0}, {"ignore_eos", true},
                                                      {"stream", true}, {"stream_options", {{"include_usage", true}}}});
  };
  // One untimed request first: nothing measured pays for a cold start.
  if (const auto warm = serve::timed_stream(host, port, "/v1/completions", body(0), api_key); !warm.ok)
    throw Error("the server refused the warm-up request: " + warm.error);

  std::vector<Level> results;
  for (unsigned clients : levels) {
    Level level;
    level.clients = clients;
    level.requests = requests ? requests : std::max(8u, 4 * clients);
    std::atomic<unsigned> next{0};
    std::mutex mutex;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (unsigned c = 0; c < clients; ++c)
      threads.emplace_back([&] {
        for (unsigned k; (k = next++) < level.requests;) {
          const auto t = serve::timed_stream(host, port, "/v1/completions", body(k), api_key);
          std::lock_guard lock(mutex);
          if (!t.ok) {
            ++level.failed;
            if (level.first_error.empty()) level.first_error = t.error;
            continue;
          }
          level.tokens += t.completion_tokens;
          level.ttft.push_back(t.first_token_seconds);
          level.gaps.insert(level.gaps.end(), t.token_gaps.begin(), t.token_gaps.end());
        }
      });
    for (auto& t : threads) t.join();
    level.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    results.push_back(std::move(level));
  }
  if (server) server->stop();

  const std::string label = url.empty() ? (devices.empty() ? flags.backend : devices) : url;
  if (as_json) {
    boost::json::array out;
    for (const auto& l : results)
      out.push_back({{"server", label}, {"clients", l.clients}, {"requests", l.requests}, {"failed", l.failed}, {"seconds", l.seconds},
                     {"requests_per_second", (l.requests - l.failed) / l.seconds}, {"output_tokens_per_second", double(l.tokens) / l.seconds},
                     {"ttft_p50_ms", percentile(l.ttft, 50) * 1e3}, {"ttft_p99_ms", percentile(l.ttft, 99) * 1e3},
                     {"itl_p50_ms", percentile(l.gaps, 50) * 1e3}, {"itl_p99_ms", percentile(l.gaps, 99) * 1e3},
                     {"max_tokens", max_tokens}});
    std::printf("%s\n", boost::json::serialize(out).c_str());
  } else {
    std::printf("server: %s, %u tokens per request\n\n", label.c_str(), max_tokens);
    std::printf("| clients | requests | req/s | output tok/s | TTFT p50 ms | TTFT p99 ms | ITL p50 ms | ITL p99 ms |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto& l : results)
      std::printf("| %u | %u | %.2f | %.1f | %.1f | %.1f | %.2f | %.2f |\n", l.clients, l.requests - l.failed, (l.requests - l.failed) / l.seconds,
                  double(l.tokens) / l.seconds, percentile(l.ttft, 50) * 1e3, percentile(l.ttft, 99) * 1e3, percentile(l.gaps, 50) * 1e3,
                  percentile(l.gaps, 99) * 1e3);
  }
  unsigned failed = 0;
  for (const auto& l : results) {
    failed += l.failed;
    if (l.failed) std::fprintf(stderr, "mmfree bench-serve: %u requests failed at %u clients; the first: %s\n", l.failed, l.clients, l.first_error.c_str());
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace mmfree::cli
