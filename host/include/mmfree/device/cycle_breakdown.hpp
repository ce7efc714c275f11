// Where a kernel's cycles went: the register map's four cause_*_cycles counters, which split
// every cycle of `cycles` into exactly one cause (docs/device.md, Performance counters), read
// as shares a user can compare across runs and boards.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "mmfree/device/device.hpp"

namespace mmfree::device {

struct CycleBreakdown {
  uint64_t cycles = 0;
  uint64_t streaming = 0;       // cause_streaming_cycles: an array took a weight beat
  uint64_t weight_memory = 0;   // cause_weight_memory_cycles: arrays waited for weight memory
  uint64_t element_wise = 0;    // cause_element_wise_cycles: the token engine's own phases
  uint64_t control = 0;         // cause_control_cycles: descriptor, start, drain

  // True when the device counted cycles and its causes account for every one of them. False
  // on the golden model (zero-time, no cycles) and on a kernel built before the causes existed.
  bool available() const;
  // part / cycles, 0 when no cycles were counted.
  double share(uint64_t part) const;
  // "61.0% streaming, 12.0% weight-memory stall, 24.0% element-wise, 3.0% control".
  std::string describe() const;
  // The counts and shares, for --json outputs.
  nlohmann::json to_json() const;

  // Sums over several commands (e.g. the decode steps of a generation).
  CycleBreakdown& operator+=(const CycleBreakdown& other);
};

// The breakdown from a device's counters (read_counters()); absent counters read as 0.
CycleBreakdown cycle_breakdown(std::span<const Counter> counters);

}  // namespace mmfree::device
