#include "device/lane_arguments.hpp"

namespace mmfree::device {

uint32_t check_lane_arguments(const LaneArguments& a, unsigned batch_lanes) {
  if (a.num_tokens == 0 || a.num_lanes == 0 || a.num_lanes > batch_lanes) return regmap::status::kBadArguments;
  uint32_t status = 0;
  for (unsigned k = 0; k < a.num_lanes; ++k) {
    if (a.slots[k] >= a.num_slots) status |= regmap::status::kBadSlot;
    if (a.resets(k) && a.continues_chain(k)) status |= regmap::status::kBadArguments;
    // A slot may come back only right after itself: any earlier lane with the same slot but a
    // different slot in between means two chains of one sequence.
    for (unsigned j = 0; j + 1 < k; ++j)
      if (a.slots[j] == a.slots[k] && a.slots[k - 1] != a.slots[k]) status |= regmap::status::kBadSlot;
  }
  return status;
}

}  // namespace mmfree::device
