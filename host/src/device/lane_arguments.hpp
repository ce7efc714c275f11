// The lane arguments of a token-mode start command (docs/device.md, Lanes and chains) and the
// checks the kernel makes on them at accept: one place for both sides of the bus, so that the
// golden kernel model refuses exactly what the runtime never sends.
#pragma once

#include <array>
#include <cstdint>

#include "mmfree/regmap.hpp"

namespace mmfree::device {

struct LaneArguments {
  uint32_t num_tokens = 0;  // N, passes
  uint32_t num_lanes = 0;   // K
  uint32_t num_slots = 0;
  uint32_t lane_reset = 0;  // bit k: zero lane k's slot first
  std::array<uint32_t, regmap::kMaxBatchLanes> slots{};

  // The arguments as the latched register words hold them.
  template <typename Words>
  static LaneArguments from_words(const Words& words) {
    LaneArguments a;
    a.num_tokens = words[regmap::num_tokens::kOffset / 4];
    a.num_lanes = words[regmap::num_lanes::kOffset / 4];
    a.num_slots = words[regmap::num_slots::kOffset / 4];
    a.lane_reset = words[regmap::lane_reset::kOffset / 4];
    for (unsigned k = 0; k < regmap::kMaxBatchLanes; ++k) a.slots[k] = words[regmap::lane_slot_offset(k) / 4];
    return a;
  }

  bool resets(unsigned lane) const { return (lane_reset >> lane) & 1u; }
  // Lane k continues the chain of lane k-1 (same slot).
  bool continues_chain(unsigned lane) const { return lane > 0 && slots[lane] == slots[lane - 1]; }
};

// The status bits of docs/device.md's accept-time checks for a kernel of `batch_lanes` lanes
// (0: the command may run): bad_arguments for N = 0, K = 0 or K > B (nothing else checked
// then); otherwise bad_slot for a slot >= num_slots or one named by two lanes that are not
// adjacent, bad_arguments for a reset on a lane that continues a chain.
uint32_t check_lane_arguments(const LaneArguments& arguments, unsigned batch_lanes);

}  // namespace mmfree::device
