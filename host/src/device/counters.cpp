#include "device/counters.hpp"

#include <algorithm>
#include <string>

#include "device/memory_layout.hpp"
#include "mmfree/regmap.hpp"

namespace mmfree::device {
namespace {

uint64_t read_counter64(Device& device, uint32_t offset) {
  const uint64_t low = device.read_register(offset);  // latches the high word
  const uint64_t high = device.read_register(offset + 4);
  return (high << 32) | low;
}

}  // namespace

std::vector<Counter> read_register_map_counters(Device& device) {
  std::vector<Counter> counters;
  for (const auto& c : regmap::kCounters) counters.push_back({std::string(c.name), read_counter64(device, c.offset)});
  const unsigned ports = std::min<unsigned>(device.read_register(regmap::hw_weight_ports::kOffset), regmap::kMaxWeightPorts);
  for (unsigned p = 0; p < ports; ++p)
    counters.push_back({weight_port_counter(p), read_counter64(device, regmap::weight_port_bytes_offset(p))});
  return counters;
}

}  // namespace mmfree::device
