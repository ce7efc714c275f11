// Strict parsing of numbers typed by users (command-line flags): the whole text must be one
// decimal number of the target type, in range. Unlike std::stoul or boost::lexical_cast, "-1"
// is not an unsigned number (it does not wrap to 4294967295), and "nan" or "inf" is no real one.
#pragma once

#include <charconv>
#include <cmath>
#include <concepts>
#include <optional>
#include <string_view>

namespace mmfree::util {

// The value of `text` as T, or nothing when `text` is not exactly one decimal number that T
// holds (integers: optional '-' for signed T only, digits; reals: finite, std::from_chars'
// general format). Leading or trailing spaces, signs '+', and trailing junk are refused.
template <class T>
  requires std::integral<T> || std::floating_point<T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  if constexpr (std::floating_point<T>) {
    if (!std::isfinite(value)) return std::nullopt;
  }
  return value;
}

// parse_number, and within [min, max].
template <class T>
std::optional<T> parse_number_in(std::string_view text, T min, T max) {
  const auto value = parse_number<T>(text);
  if (!value || *value < min || *value > max) return std::nullopt;
  return value;
}

}  // namespace mmfree::util
