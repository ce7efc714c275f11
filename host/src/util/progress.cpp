#include "mmfree/util/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace mmfree {

Progress::Progress(std::string label, uint64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void Progress::advance(uint64_t amount) {
  done_ += amount;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Redrawing at most ten times a second keeps the bar off the hot path.
  if (now - last_draw_ >= std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) draw(true);
}

void Progress::draw(bool final_draw) {
  constexpr int kWidth = 30;
  const double fraction = total_ ? double(done_) / double(total_) : 1.0;
  const int filled = int(fraction * kWidth + 0.5);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "\r%s [%.*s%*s] %5.1f%% %6.1fs", label_.c_str(), filled,
               "##############################", kWidth - filled, "", 100.0 * fraction, seconds);
  if (final_draw) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace mmfree
