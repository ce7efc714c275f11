#include "runtime/lane_schedule.hpp"

#include <algorithm>
#include <stdexcept>

namespace mmfree::device {

unsigned CommandPlan::lanes() const {
  unsigned k = 0;
  for (const LaneGroup& g : groups) k += g.lanes;
  return k;
}

CommandPlan plan_command(std::span<const std::size_t> remaining, unsigned lanes, std::size_t max_lane_tokens) {
  if (lanes == 0 || max_lane_tokens == 0) throw std::invalid_argument("plan_command: no lanes or no lane-tokens");
  // No more lanes than lane-tokens fit in one command.
  const unsigned budget = static_cast<unsigned>(std::min<std::size_t>(lanes, max_lane_tokens));
  CommandPlan plan;
  for (std::size_t i = 0; i < remaining.size() && plan.groups.size() < budget; ++i)
    if (remaining[i] > 0) plan.groups.push_back({i, 1});
  if (plan.groups.empty()) return plan;

  // Passes a group still needs at its current width.
  const auto passes_needed = [&](const LaneGroup& g) { return (remaining[g.input] + g.lanes - 1) / g.lanes; };
  for (unsigned spare = budget - static_cast<unsigned>(plan.groups.size()); spare > 0; --spare) {
    LaneGroup* widest_need = nullptr;
    for (LaneGroup& g : plan.groups)
      // Only a group with more tokens than lanes can use another lane; the first of equals wins.
      if (remaining[g.input] > g.lanes && (!widest_need || passes_needed(g) > passes_needed(*widest_need)))
        widest_need = &g;
    if (!widest_need) break;
    ++widest_need->lanes;
  }

  std::size_t passes = max_lane_tokens / plan.lanes();
  for (const LaneGroup& g : plan.groups) passes = std::min(passes, remaining[g.input] / g.lanes);
  plan.passes = static_cast<uint32_t>(std::max<std::size_t>(passes, 1));
  return plan;
}

}  // namespace mmfree::device
