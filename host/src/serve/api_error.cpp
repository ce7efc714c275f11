#include "serve/api_error.hpp"

#include <boost/json.hpp>

namespace mmfree::serve {

ApiError::ApiError(unsigned status, std::string message, std::string type, std::string param, std::string code)
    : std::runtime_error(std::move(message)), status_(status), type_(std::move(type)), param_(std::move(param)),
      code_(std::move(code)) {}

ApiError bad_request(std::string message, std::string param) {
  return ApiError(400, std::move(message), "invalid_request_error", std::move(param));
}
ApiError unauthorized(std::string message) {
  return ApiError(401, std::move(message), "authentication_error", {}, "invalid_api_key");
}
ApiError not_found(std::string message, std::string code) {
  return ApiError(404, std::move(message), "invalid_request_error", {}, std::move(code));
}
ApiError too_large(std::string message) { return ApiError(413, std::move(message), "invalid_request_error"); }
ApiError too_many_requests(std::string message) {
  return ApiError(429, std::move(message), "rate_limit_error", {}, "queue_full");
}
ApiError server_error(std::string message) { return ApiError(500, std::move(message), "server_error"); }
ApiError unavailable(std::string message) { return ApiError(503, std::move(message), "server_error", {}, "unavailable"); }

std::string error_body(const ApiError& error) {
  boost::json::object inner;
  inner["message"] = error.what();
  inner["type"] = error.type();
  inner["param"] = error.param().empty() ? boost::json::value(nullptr) : boost::json::value(error.param());
  inner["code"] = error.code().empty() ? boost::json::value(nullptr) : boost::json::value(error.code());
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return boost::json::serialize(outer);
}

}  // namespace mmfree::serve
