// Parsing JSON that came from a file we do not control (config.json, a safetensors header, a
// shard index), so that nothing done with the result later can recurse without bound: nesting
// deeper than any real checkpoint uses is refused at parse time, and error messages show a
// short description of a value, never the value whole.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mmfree::util {

// Hugging Face configs and safetensors headers nest 3 levels at most; 64 is generous and keeps
// recursive consumers (dump, copy, compare) far from the stack's end.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text`; throws ModelError "`where`: not valid JSON: ..." or "`where`: JSON nested deeper
// than kMaxJsonDepth levels".
nlohmann::json parse_untrusted_json(std::string_view text, const std::string& where);

// A bounded description of an untrusted value for an error message: numbers, booleans and null
// as written, a string quoted and cut to 48 characters, an array or object by its kind and size.
std::string describe_untrusted(const nlohmann::json& value);

// An untrusted string cut to `max_chars` bytes with "..." appended when cut, control bytes
// shown as '?', for quoting in a message.
std::string excerpt(std::string_view text, std::size_t max_chars = 48);

}  // namespace mmfree::util
