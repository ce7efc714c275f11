#include "util/bounded_json.hpp"

#include "mmfree/error.hpp"

namespace mmfree::util {

nlohmann::json parse_untrusted_json(std::string_view text, const std::string& where) {
  // nlohmann's parser keeps its own stack on the heap; the callback sees each container as it
  // opens and stops the parse before the DOM gets deep enough to hurt recursive consumers.
  const nlohmann::json::parser_callback_t limit_depth = [&where](int depth, nlohmann::json::parse_event_t event,
                                                                 nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw ModelError(where + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), limit_depth);
  } catch (const nlohmann::json::exception& e) {
    // nlohmann quotes the offending token, which may be most of the file: cut it.
    throw ModelError(where + ": not valid JSON: " + excerpt(e.what(), 200));
  }
}

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (std::size_t k = 0; k < text.size() && k < max_chars; ++k) {
    const unsigned char c = static_cast<unsigned char>(text[k]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c));
  }
  if (text.size() > max_chars) out += "...";
  return out;
}

std::string describe_untrusted(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return "\"" + excerpt(value.get_ref<const std::string&>()) + "\"";
    case nlohmann::json::value_t::array:
      return "an array of " + std::to_string(value.size()) + " elements";
    case nlohmann::json::value_t::object:
      return "an object of " + std::to_string(value.size()) + " members";
    case nlohmann::json::value_t::binary:
      return "binary data";
    default:
      return value.dump();  // a number, boolean or null: short by construction
  }
}

}  // namespace mmfree::util
