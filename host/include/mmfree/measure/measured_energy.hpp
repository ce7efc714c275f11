// Energy per token measured on a board: the card's idle power first, then greedy decoding for
// at least `min_seconds` while a PowerSampler reads XRT's electrical sensors (docs/energy.md).
#pragma once

#include <cstdint>

#include "mmfree/engine.hpp"
#include "mmfree/measure/power_sampler.hpp"

namespace mmfree::measure {

struct MeasuredEnergy {
  double idle_watts = 0;            // mean over the idle window
  double idle_seconds = 0;
  double decode_watts = 0;          // mean over the decode window
  double decode_seconds = 0;
  uint64_t tokens = 0;
  double joules_per_token = 0;      // decode_watts x decode_seconds / tokens
  double above_idle_joules_per_token = 0;  // (decode_watts - idle_watts) x decode_seconds / tokens
  double poll_interval_seconds = 0;
  double sensor_update_interval_seconds = 0;  // as observed during decoding (0: never changed)
  unsigned samples = 0;
  unsigned distinct_readings = 0;   // how many different power values the decode window saw
};

// Samples idle power for `idle_seconds`, then decodes greedily on `engine` (from a fresh
// sequence, restarting it every `restart_every` tokens) until `min_seconds` have passed.
// DeviceError from the sampler when there is no board.
MeasuredEnergy measure_decode_energy(Engine& engine, uint32_t first_token, PowerSampler& sampler,
                                     double idle_seconds, double min_seconds, uint32_t restart_every = 512);

}  // namespace mmfree::measure
