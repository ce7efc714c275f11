// Which sequences share the next start command and how many lanes each gets (docs/device.md,
// Lanes and chains): the device engine's scheduler, a pure function so it can be tested alone.
//
// Every sequence with tokens left gets one lane, in batch order, while lanes last; the lanes
// left over go, one at a time, to the sequence with the most tokens per lane still ahead
// (ceil(remaining / lanes)), so that a prompt becomes a chain as long as its share of the lanes
// allows: alone, a prompt of n tokens takes ceil(n / B) passes. Then the command runs as many
// passes N as every chosen sequence has tokens for (at least one), and at most
// `max_lane_tokens` lane-tokens (N * K).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mmfree::device {

struct LaneGroup {
  std::size_t input = 0;  // index into the `remaining` the plan was made for
  unsigned lanes = 0;     // m >= 1 consecutive lanes; m > 1 is a chain
};

struct CommandPlan {
  std::vector<LaneGroup> groups;  // in lane order
  uint32_t passes = 0;            // N
  unsigned lanes() const;         // K, the sum of the groups' lanes
};

// The next command for inputs with `remaining[i]` tokens left each (0: nothing to run). An
// empty plan when nothing remains. `lanes` (B) and `max_lane_tokens` must be >= 1.
CommandPlan plan_command(std::span<const std::size_t> remaining, unsigned lanes, std::size_t max_lane_tokens);

}  // namespace mmfree::device
