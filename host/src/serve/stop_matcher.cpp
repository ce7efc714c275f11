#include "serve/stop_matcher.hpp"

#include <algorithm>
#include <utility>

namespace mmfree::serve {

std::string StopMatcher::push(const std::string& text) {
  if (stopped_) return {};
  held_ += text;
  std::size_t first = std::string::npos;
  for (const auto& stop : stops_) first = std::min(first, held_.find(stop));
  if (first != std::string::npos) {
    stopped_ = true;
    std::string out = held_.substr(0, first);
    held_.clear();
    return out;
  }
  // Keep the longest tail of held_ that is the beginning of some stop string.
  std::size_t keep = 0;
  for (const auto& stop : stops_)
    for (std::size_t k = std::min(stop.size() - 1, held_.size()); k > keep; --k)
      if (held_.compare(held_.size() - k, k, stop, 0, k) == 0) {
        keep = k;
        break;
      }
  std::string out = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return out;
}

std::string StopMatcher::finish() {
  if (stopped_) return {};
  return std::exchange(held_, {});
}

}  // namespace mmfree::serve
