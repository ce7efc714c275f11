// A Boost.Program_options value that parses strictly and checks a range: the drop-in
// replacement of po::value(&x) for numeric flags. Boost's own parser (lexical_cast) lets "-1"
// wrap to 4294967295 for an unsigned flag and takes "nan" for a double; here either is a usage
// error (exit 2) naming the flag and the allowed range.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <sstream>
#include <type_traits>
#include <string>
#include <vector>

#include "mmfree/util/number_text.hpp"

namespace mmfree::cli {

// The most tokens a count flag (-n, --seq, --top-k, bench -p) may ask for: far beyond any run
// that finishes, and small enough that buffers sized from it stay in memory.
inline constexpr uint32_t kMaxTokenCount = 1u << 20;

template <class T>
class BoundedValue final : public boost::program_options::typed_value<T> {
 public:
  BoundedValue(T* store, T min, T max) : boost::program_options::typed_value<T>(store), min_(min), max_(max) {}

  void xparse(boost::any& value_store, const std::vector<std::string>& tokens) const override {
    const std::string text = tokens.empty() ? std::string() : tokens.back();
    const auto value = util::parse_number_in<T>(text, min_, max_);
    if (!value) {
      // %canonical_option% and %value% are filled in by Boost with the flag as it was given.
      boost::program_options::error_with_option_name error(
          "the argument ('%value%') for option '%canonical_option%' is invalid: it must be " + range_text());
      error.set_substitute("value", text);
      throw error;
    }
    value_store = *value;
  }

  std::string range_text() const {
    std::ostringstream s;
    s << (std::is_integral_v<T> ? "an integer" : "a number") << " from " << +min_ << " to " << +max_;
    return s.str();
  }

 private:
  T min_, max_;
};

// po::value(store) with a range: bounded_value(&threads, 1u, 1024u)->default_value(1).
template <class T>
BoundedValue<T>* bounded_value(T* store, T min, T max) {
  return new BoundedValue<T>(store, min, max);
}

}  // namespace mmfree::cli
