#include "serve/json_fields.hpp"

#include <cmath>
#include <cstdio>

#include "serve/api_error.hpp"

namespace json = boost::json;

namespace mmfree::serve {
namespace {

// A request nests at most 4 levels (messages -> message -> content parts -> part); 32 refuses
// hostile nesting long before it costs anything.
constexpr std::size_t kMaxDepth = 32;

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

json::object parse_json_object(std::string_view body) {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  std::error_code ec;
  json::value value = json::parse(body, ec, {}, options);
  if (ec) throw bad_request("the request body is not valid JSON: " + ec.message());
  if (!value.is_object()) throw bad_request("the request body must be a JSON object, not " + describe_json(value));
  return std::move(value.as_object());
}

std::string describe_json(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array of " + std::to_string(value.get_array().size());
    case json::kind::object: return "an object";
  }
  return "a value";
}

const json::value* field(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value == nullptr || value->is_null() ? nullptr : value;
}

std::optional<bool> get_bool(const json::object& object, std::string_view name) {
  const json::value* value = field(object, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) throw bad_request("'" + std::string(name) + "' must be a boolean, not " + describe_json(*value), std::string(name));
  return value->get_bool();
}

std::optional<std::string> get_string(const json::object& object, std::string_view name) {
  const json::value* value = field(object, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) throw bad_request("'" + std::string(name) + "' must be a string, not " + describe_json(*value), std::string(name));
  return std::string(value->get_string());
}

std::optional<double> get_number(const json::object& object, std::string_view name, double min, double max) {
  const json::value* value = field(object, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) throw bad_request("'" + std::string(name) + "' must be a number, not " + describe_json(*value), std::string(name));
  const double number = value->to_number<double>();
  if (!(number >= min && number <= max))
    throw bad_request("'" + std::string(name) + "' must be from " + number_text(min) + " to " + number_text(max) + ", not " +
                          number_text(number),
                      std::string(name));
  return number;
}

std::optional<int64_t> get_integer(const json::object& object, std::string_view name, int64_t min, int64_t max) {
  const json::value* value = field(object, name);
  if (value == nullptr) return std::nullopt;
  const std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
  const auto refuse = [&](const std::string& what) {
    return bad_request("'" + std::string(name) + "' must be an integer" + range + ", not " + what, std::string(name));
  };
  int64_t number = 0;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64()) {
    throw refuse(std::to_string(value->get_uint64()));
  } else if (value->is_double()) {
    // 16.0 is an integer written as a float (some clients do); 1.5 is not.
    const double d = value->get_double();
    if (!(std::floor(d) == d) || std::fabs(d) > 9e15) throw refuse(number_text(d));
    number = static_cast<int64_t>(d);
  } else {
    throw refuse(describe_json(*value));
  }
  if (number < min || number > max) throw refuse(std::to_string(number));
  return number;
}

}  // namespace mmfree::serve
