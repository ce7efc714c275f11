// Reading typed fields of a request body (Boost.JSON), each wrong type or out-of-range value a
// 400 naming the field and what it must be: the one place where untrusted JSON values are
// turned into C++ values.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmfree::serve {

// The body as a JSON object; 400 for text that is not JSON, nested deeper than a request
// needs, or not an object.
boost::json::object parse_json_object(std::string_view body);

// The field `name` of `object`, or nothing when it is absent or null.
const boost::json::value* field(const boost::json::object& object, std::string_view name);

std::optional<bool> get_bool(const boost::json::object& object, std::string_view name);
std::optional<std::string> get_string(const boost::json::object& object, std::string_view name);
// A number within [min, max] (integers are numbers too).
std::optional<double> get_number(const boost::json::object& object, std::string_view name, double min, double max);
// An integer within [min, max]; 400 for a fraction such as 1.5.
std::optional<int64_t> get_integer(const boost::json::object& object, std::string_view name, int64_t min, int64_t max);

// "a string", "an array of 3", "a number", ... for messages.
std::string describe_json(const boost::json::value& value);

}  // namespace mmfree::serve
