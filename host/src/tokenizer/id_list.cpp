#include "mmfree/tokenizer/id_list.hpp"

#include <charconv>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree {

std::vector<uint32_t> parse_id_list(std::string_view text, uint32_t vocab_size) {
  std::vector<uint32_t> ids;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = text.substr(start, end - start);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) {
      if (text.find_first_not_of(" ,") == std::string_view::npos) throw UsageError("the token id list is empty");
      throw UsageError("empty entry in the token id list '" + std::string(text) + "'");
    }
    uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(entry.data(), entry.data() + entry.size(), value);
    if (ec != std::errc() || ptr != entry.data() + entry.size())
      throw UsageError("'" + std::string(entry) + "' is not a token id (expected non-negative integers separated by commas)");
    if (value >= vocab_size)
      throw UsageError("token id " + std::string(entry) + " is out of range (vocabulary size " +
                       std::to_string(vocab_size) + ")");
    ids.push_back(static_cast<uint32_t>(value));
    if (end == text.size()) break;
    start = end + 1;
  }
  return ids;
}

}  // namespace mmfree
