// A progress bar on stderr for long work (conversion, perplexity, benchmarks).
// Silent when stderr is not a terminal unless forced, so logs and CI stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace mmfree {

class Progress {
 public:
  Progress(std::string label, uint64_t total, bool enabled);
  ~Progress();
  void advance(uint64_t amount = 1);
  void finish();

  // True when stderr is a terminal: the default for `enabled`.
  static bool stderr_is_terminal();

 private:
  void draw(bool final_draw);

  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace mmfree
