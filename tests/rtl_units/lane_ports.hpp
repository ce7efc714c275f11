// Lane access on the element-wise units' packed ports: lane k of a 32-bit-lane port is word k
// of Verilator's VlWide; 8-bit lanes are packed four to a word.
#pragma once

#include <cstdint>
#include <vector>

#include <verilated.h>

namespace mmfree::rtl_test {

inline constexpr int kUnitLanes = 16;  // the element-wise units' default Lanes (one 512-bit beat)

template <std::size_t Words>
void set_lanes(VlWide<Words>& port, const int32_t* values) {
  static_assert(Words == kUnitLanes);
  for (int k = 0; k < kUnitLanes; ++k) port[k] = static_cast<uint32_t>(values[k]);
}

template <std::size_t Words>
void set_lanes(VlWide<Words>& port, const uint32_t* values) {
  static_assert(Words == kUnitLanes);
  for (int k = 0; k < kUnitLanes; ++k) port[k] = values[k];
}

template <std::size_t Words>
void append_lanes(const VlWide<Words>& port, std::vector<int32_t>& out) {
  static_assert(Words == kUnitLanes);
  for (int k = 0; k < kUnitLanes; ++k) out.push_back(static_cast<int32_t>(port[k]));
}

template <std::size_t Words>
void append_byte_lanes(const VlWide<Words>& port, std::vector<int8_t>& out) {
  static_assert(Words * 4 == kUnitLanes);
  for (int k = 0; k < kUnitLanes; ++k) out.push_back(static_cast<int8_t>(port[k / 4] >> (8 * (k % 4))));
}

}  // namespace mmfree::rtl_test
