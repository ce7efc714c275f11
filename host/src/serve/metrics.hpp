// The server's counters and their Prometheus text exposition (GET /metrics): requests by
// endpoint and status, tokens in and out, the recent output rate, time to first token, and per
// device its health, slots, passes and the kernel's cycles by cause. Counters are atomics so
// that the network and device threads update them without taking a lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serve/device_pool.hpp"

namespace mmfree::serve {

// The scheduler's gauges at the moment of a scrape.
struct SchedulerGauges {
  std::size_t queue_length = 0;
  std::size_t running = 0;   // admitted sequences on every device
  bool accepting = true;     // false while shutting down
};

class Metrics {
 public:
  using Clock = std::chrono::steady_clock;

  // A finished HTTP exchange.
  void count_response(const std::string& endpoint, unsigned status);
  // A generation that ended: "stop", "length", "error", "cancelled".
  void count_finish(const std::string& reason);
  void add_prompt_tokens(uint64_t n) { prompt_tokens_ += n; }
  // Generated tokens, also kept by time for the recent rate.
  void add_generated_tokens(uint64_t n);
  void observe_time_to_first_token(double seconds);
  void count_rejected_queue_full() { ++queue_full_; }

  // `energy_board`: the board the energy estimates are for (empty: none).
  std::string render(const std::vector<const DeviceHealth*>& devices, const SchedulerGauges& gauges, const std::string& energy_board);

 private:
  double recent_tokens_per_second();

  std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, uint64_t> responses_;
  std::map<std::string, uint64_t> finishes_;
  std::deque<std::pair<Clock::time_point, uint64_t>> recent_;  // (when, tokens) over the window
  double ttft_sum_ = 0;
  uint64_t ttft_count_ = 0;
  std::atomic<uint64_t> prompt_tokens_{0}, generated_tokens_{0}, queue_full_{0};
  const Clock::time_point started_ = Clock::now();
};

}  // namespace mmfree::serve
