// An error as the OpenAI API reports it: an HTTP status and the error object
// {"error": {"message", "type", "param", "code"}}. Everything the server refuses or fails is
// thrown (or handed to a client) as one of these, so every error response has that shape.
#pragma once

#include <stdexcept>
#include <string>

namespace mmfree::serve {

class ApiError : public std::runtime_error {
 public:
  ApiError(unsigned status, std::string message, std::string type, std::string param = {}, std::string code = {});

  unsigned status() const { return status_; }
  const std::string& type() const { return type_; }
  const std::string& param() const { return param_; }
  const std::string& code() const { return code_; }

 private:
  unsigned status_;
  std::string type_, param_, code_;
};

// The common cases, with the types OpenAI's clients map to their exception classes.
ApiError bad_request(std::string message, std::string param = {});          // 400
ApiError unauthorized(std::string message);                                  // 401
ApiError not_found(std::string message, std::string code = {});             // 404
ApiError too_large(std::string message);                                     // 413
ApiError too_many_requests(std::string message);                             // 429
ApiError server_error(std::string message);                                  // 500
ApiError unavailable(std::string message);                                   // 503

// {"error":{"message":...,"type":...,"param":...|null,"code":...|null}}
std::string error_body(const ApiError& error);

}  // namespace mmfree::serve
