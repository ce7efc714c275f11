// What `mmfree generate --stats` measured: prefill and decode rates and, where the device
// counts cycles, kernel cycles per decode token and where they went.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "mmfree/device/cycle_breakdown.hpp"

namespace mmfree::measure {

struct GenerationStats {
  std::string backend;
  uint64_t prompt_tokens = 0;
  double prefill_seconds = 0;
  uint64_t decode_steps = 0;  // tokens fed after the prompt
  double decode_seconds = 0;
  uint64_t generated = 0;     // tokens produced (the last one is never fed)
  bool simulated = false;     // the cycles are simulated (sim backend)
  // The device's cycles of every decode step summed; zero where the backend counts none.
  device::CycleBreakdown decode_cycles;
};

// Its lines, as generate has always printed them, to `out` (stderr).
void print_generation_stats(std::FILE* out, const GenerationStats& stats);

}  // namespace mmfree::measure
