#include "serve/router.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "serve/api_error.hpp"
#include "serve/openai_format.hpp"
#include "serve/request_parser.hpp"

namespace http = boost::beast::http;
namespace json = boost::json;

namespace mmfree::serve {
namespace {

// Comparing the key in time independent of where it differs, so that response times do not
// reveal how much of a guess was right.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

Reply json_reply(std::string body, std::string endpoint, unsigned status = 200) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.endpoint = std::move(endpoint);
  return reply;
}

}  // namespace

Reply error_reply(const ApiError& error, std::string endpoint) {
  Reply reply = json_reply(error_body(error), std::move(endpoint), error.status());
  // The queue drains as generations finish; a second is short next to any generation.
  if (error.status() == 429) reply.headers.emplace_back("Retry-After", "1");
  if (error.status() == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  return reply;
}

Router::Router(const ServeOptions& options, const Tokenizer& tokenizer, Scheduler& scheduler, Metrics& metrics)
    : options_(options),
      tokenizer_(tokenizer),
      scheduler_(scheduler),
      metrics_(metrics),
      created_(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()) {}

Reply Router::handle(const HttpRequest& request) {
  std::string endpoint = "other";
  try {
    return route(request, endpoint);
  } catch (const ApiError& e) {
    return error_reply(e, endpoint);
  } catch (const std::exception& e) {
    // Anything else is the server's fault, reported as such; the server keeps running.
    return error_reply(server_error(std::string("internal error: ") + e.what()), endpoint);
  }
}

void Router::authenticate(const HttpRequest& request) const {
  if (options_.api_key.empty()) return;
  const auto found = request.find(http::field::authorization);
  if (found == request.end()) throw unauthorized("this server needs an API key: send 'Authorization: Bearer <key>'");
  const std::string_view value(found->value().data(), found->value().size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.substr(0, kBearer.size()) != kBearer || !same_secret(value.substr(kBearer.size()), options_.api_key))
    throw unauthorized("the API key is not valid");
}

Reply Router::ready() {
  json::array devices;
  for (const DeviceHealth* d : scheduler_.devices()) {
    json::object device{{"device", d->spec.name}, {"up", d->up.load()}, {"slots", d->slots.load()}, {"busy", d->busy.load()}};
    if (!d->up.load()) device["failure"] = d->failure();
    devices.push_back(std::move(device));
  }
  const bool ready = scheduler_.ready();
  return json_reply(json::serialize(json::object{{"status", ready ? "ready" : "unavailable"}, {"devices", devices}}), "/ready",
                    ready ? 200 : 503);
}

Reply Router::route(const HttpRequest& request, std::string& endpoint) {
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));
  const bool get = request.method() == http::verb::get;
  const bool post = request.method() == http::verb::post;
  const auto method_not_allowed = [&](const char* allowed) {
    Reply reply = error_reply(ApiError(405, "use " + std::string(allowed) + " for " + std::string(target), "invalid_request_error"), endpoint);
    reply.headers.emplace_back("Allow", allowed);
    return reply;
  };

  if (target == "/health") {
    endpoint = "/health";
    if (!get) return method_not_allowed("GET");
    return json_reply(R"({"status":"ok"})", endpoint);
  }
  if (target == "/ready") {
    endpoint = "/ready";
    if (!get) return method_not_allowed("GET");
    return ready();
  }
  if (target == "/metrics") {
    endpoint = "/metrics";
    if (!get) return method_not_allowed("GET");
    Reply reply = json_reply(metrics_.render(scheduler_.devices(), scheduler_.gauges(), options_.energy_board ? options_.energy_board->name : std::string()), endpoint);
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply;
  }
  if (target == "/v1/models" || target.starts_with("/v1/models/")) {
    endpoint = "/v1/models";
    authenticate(request);
    if (!get) return method_not_allowed("GET");
    if (target == "/v1/models") return json_reply(models_json(options_.model_id, created_), endpoint);
    const std::string_view id = target.substr(std::string_view("/v1/models/").size());
    if (id != options_.model_id)
      throw not_found("the model '" + std::string(id.substr(0, 128)) + "' does not exist; this server has '" + options_.model_id + "'",
                      "model_not_found");
    return json_reply(model_json(options_.model_id, created_), endpoint);
  }
  if (target == "/v1/completions" || target == "/v1/chat/completions") {
    const bool chat = target == "/v1/chat/completions";
    endpoint = std::string(target);
    authenticate(request);
    if (!post) return method_not_allowed("POST");
    GenerationRequest parsed = parse_generation_request(chat ? Endpoint::Chat : Endpoint::Completions, request.body(),
                                                        options_.model_id, tokenizer_, options_.limits);
    Reply reply;
    reply.endpoint = endpoint;
    reply.generation = scheduler_.submit(std::move(parsed));
    return reply;
  }
  throw not_found("no such endpoint: " + std::string(target.substr(0, 128)));
}

}  // namespace mmfree::serve
