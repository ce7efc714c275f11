// `mmfree serve`: the OpenAI-compatible HTTP server (host/src/serve, docs/serving.md).
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "bounded_value.hpp"
#include "command.hpp"
#include "engine_flags.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/board.hpp"
#include "serve/server.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {
namespace {

// The model's name in requests: the file's or directory's base name without ".mmf".
std::string model_id_of(const std::string& path) {
  std::filesystem::path p(path);
  while (!p.empty() && p.filename().empty()) p = p.parent_path();  // "dir/" names "dir"
  std::string name = p.filename().string();
  if (name.size() > 4 && name.ends_with(".mmf")) name.resize(name.size() - 4);
  return name;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::chrono::milliseconds millis(double seconds) { return std::chrono::milliseconds(int64_t(seconds * 1000.0)); }

}  // namespace

int run_serve(const Args& args) {
  EngineFlags flags;
  serve::ServeOptions options;
  std::string devices, energy_board;
  unsigned port = options.port;
  double read_timeout = 10, idle_timeout = 30, write_timeout = 30, grace = 30;
  uint64_t max_body = options.max_body_bytes, max_queue = options.max_queue;
  po::options_description description(
      "mmfree serve: an OpenAI-compatible HTTP server (/v1/completions, /v1/chat/completions,\n"
      "/v1/models, /health, /ready, /metrics) with continuous batching over one or more devices.\n"
      "The API key may also come from the environment variable MMFREE_API_KEY. docs/serving.md\n"
      "describes every flag.\n\nOptions");
  description.add_options()("help,h", "show this help")  //
      ("host", po::value(&options.host)->default_value(options.host), "address to listen on (0.0.0.0: every interface)")  //
      ("port", bounded_value(&port, 0u, 65535u)->default_value(8000), "TCP port (0: any free port, printed at start)")  //
      ("devices", po::value(&devices), "devices to serve on, e.g. golden:0,sim:0,sim:1 or xrt:0,xrt:1 (default: --backend's, one)")  //
      ("model-id", po::value(&options.model_id), "the model's name in requests (default: the model's base name without .mmf)")  //
      ("api-key", po::value(&options.api_key), "require 'Authorization: Bearer <key>' on /v1/* (or set MMFREE_API_KEY)")  //
      ("max-prompt-tokens", bounded_value(&options.limits.max_prompt_tokens, 1u, kMaxTokenCount)->default_value(options.limits.max_prompt_tokens), "longest prompt in tokens (longer: 400)")  //
      ("max-tokens", bounded_value(&options.limits.max_tokens, 1u, kMaxTokenCount)->default_value(options.limits.max_tokens), "largest max_tokens a request may ask for (chat's default)")  //
      ("max-body-bytes", bounded_value<uint64_t>(&max_body, 1024, uint64_t(1) << 30)->default_value(max_body), "largest request body (larger: 413)")  //
      ("max-queue", bounded_value<uint64_t>(&max_queue, 0, 1u << 20)->default_value(max_queue), "requests waiting for a slot (more: 429 with Retry-After)")  //
      ("slots", bounded_value(&options.slots_per_device, 1u, 4096u)->default_value(options.slots_per_device), "sequences decoded at once per device (at most its state slots)")  //
      ("prefill-chunk", bounded_value(&options.prefill_chunk, 1u, kMaxTokenCount)->default_value(options.prefill_chunk), "prompt tokens per device pass, over all sequences")  //
      ("http-threads", bounded_value(&options.http_threads, 1u, 256u)->default_value(options.http_threads), "network threads")  //
      ("read-timeout", bounded_value(&read_timeout, 0.01, 3600.0)->default_value(read_timeout), "seconds to receive a request")  //
      ("idle-timeout", bounded_value(&idle_timeout, 0.01, 3600.0)->default_value(idle_timeout), "seconds a kept-alive connection may wait between requests")  //
      ("write-timeout", bounded_value(&write_timeout, 0.01, 3600.0)->default_value(write_timeout), "seconds a client may take to accept a write")  //
      ("energy-board", po::value(&energy_board), "estimate each device's energy per token from its counters as on this board (u55c, u280, ...; docs/energy.md)")  //
      ("shutdown-grace", bounded_value(&grace, 0.0, 3600.0)->default_value(grace), "seconds in-flight requests get after SIGTERM");
  add_engine_flags(description, flags);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm)) return 0;

  options.port = uint16_t(port);
  options.max_body_bytes = std::size_t(max_body);
  options.max_queue = std::size_t(max_queue);
  options.read_timeout = millis(read_timeout);
  options.idle_timeout = millis(idle_timeout);
  options.write_timeout = millis(write_timeout);
  options.shutdown_grace = millis(grace);
  if (options.api_key.empty())
    if (const char* key = std::getenv("MMFREE_API_KEY"); key != nullptr) options.api_key = key;
  options.devices = vm.count("devices") ? split_list(devices) : std::vector<std::string>{flags.backend + ":0"};
  if (vm.count("devices") && !vm["backend"].defaulted()) throw UsageError("give --devices or --backend, not both");
  options.backend_options = flags.options;
  options.model_path = flags.model_path;
  if (options.model_id.empty()) options.model_id = model_id_of(flags.model_path);

  if (!energy_board.empty()) options.energy_board = measure::load_board(energy_board);
  const Model model = open_model(flags);
  return serve::run_server(model, options, [&](const std::string& host, uint16_t bound) {
    std::printf("mmfree serve: listening on http://%s:%u (model '%s', devices", host.c_str(), unsigned(bound), options.model_id.c_str());
    for (const auto& d : options.devices) std::printf(" %s", d.c_str());
    std::printf(")\n");
    std::fflush(stdout);
  });
}

}  // namespace mmfree::cli
