// The devices a server runs on (--devices golden:0,sim:0,xrt:1): what each one is, the engine
// flags it takes, and its health as the scheduler, /ready and /metrics see it. A device that
// fails is taken out of service for good (its state is unknown); the others keep serving.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "mmfree/backend.hpp"

namespace mmfree::serve {

struct DeviceSpec {
  std::string name;     // "sim:0", as given
  std::string backend;  // "sim"
  unsigned index = 0;   // xrt: the board's index (--device); others: a separate instance
};

// "golden:0,sim:1" items -> specs; UsageError for an unknown backend, a bad index or a
// device named twice. A name without ":N" is index 0.
std::vector<DeviceSpec> parse_devices(const std::vector<std::string>& items);

// The options of `device` from the flags given: the ones its backend takes (UsageError for a
// flag that no listed device's backend takes), and for xrt its index as --device.
BackendOptions device_options(const DeviceSpec& device, const std::vector<DeviceSpec>& all, const BackendOptions& given);

// What the metrics and /ready read about one device, written by its scheduler thread.
struct DeviceHealth {
  DeviceSpec spec;
  std::atomic<bool> up{false};
  std::atomic<unsigned> slots{0};
  std::atomic<unsigned> busy{0};
  std::atomic<uint64_t> passes{0};          // decode calls
  std::atomic<uint64_t> tokens{0};          // tokens fed (prompt and generated)
  std::atomic<uint64_t> generated{0};       // tokens generated
  std::atomic<uint64_t> cycles{0};          // kernel cycles (device backends)
  std::atomic<uint64_t> cause_streaming{0}, cause_weight_memory{0}, cause_element_wise{0}, cause_control{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<unsigned> largest_batch{0};     // most sequences one pass has served
  std::atomic<double> estimated_joules{0};    // --energy-board: estimated energy of its commands
  std::atomic<uint64_t> counted_tokens{0};    // tokens of the commands whose counters were read

  void set_failure(std::string why);
  std::string failure() const;

 private:
  mutable std::mutex mutex_;
  std::string failure_;
};

}  // namespace mmfree::serve
