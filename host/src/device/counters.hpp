// Reading the register map's 64-bit performance counters through any Device.
#pragma once

#include <vector>

#include "mmfree/device/device.hpp"

namespace mmfree::device {

// Every counter of the register map (kCounters, then one bytes counter per weight port the
// kernel reports in hw_weight_ports), low word first so the kernel latches a consistent pair.
std::vector<Counter> read_register_map_counters(Device& device);

}  // namespace mmfree::device
