// Stop strings over streamed text: text is released as soon as it can no longer be the start
// of a stop string, and generation ends before the first stop string that appears, so a
// streaming client never receives text that a stop string would have cut.
#pragma once

#include <string>
#include <vector>

namespace mmfree::serve {

class StopMatcher {
 public:
  explicit StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {}

  // Adds `text`; returns what is now safe to release. After a stop string is found, returns
  // the text before it and stopped() is true (later calls return nothing).
  std::string push(const std::string& text);
  // Whatever is still held back (the generation ended without a stop string).
  std::string finish();
  bool stopped() const { return stopped_; }

 private:
  std::vector<std::string> stops_;
  std::string held_;
  bool stopped_ = false;
};

}  // namespace mmfree::serve
