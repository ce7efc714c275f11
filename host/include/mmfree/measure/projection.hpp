// From simulated (or counted) kernel cycles per token to the figures a user compares boards
// by: tokens/s at the board clock, the memory-bandwidth bound, and how close to it we are.
#pragma once

#include <cstdint>

#include "mmfree/measure/board.hpp"

namespace mmfree::measure {

struct Projection {
  uint64_t weight_bytes_per_token = 0;
  double cycles_per_token = 0;                 // the input: measured or extrapolated
  double tokens_per_second = 0;                // kernel clock / cycles per token
  double bandwidth_bound_tokens_per_second = 0;  // board peak bandwidth / weight bytes
  // The bound of this build's weight ports (P x min(channel, beat x clock)) / weight bytes.
  double port_bound_tokens_per_second = 0;
  // Weight bytes / (ports x bytes per beat): one full beat on every port every cycle.
  double ideal_streaming_cycles = 0;
  double bandwidth_efficiency = 0;             // ideal_streaming_cycles / cycles_per_token
  double fraction_of_bandwidth_bound = 0;      // tokens_per_second / bandwidth bound
};

// Throws UsageError when cycles_per_token or weight_bytes_per_token is not positive.
Projection project(const BoardConfig& board, uint64_t weight_bytes_per_token, double cycles_per_token);

// The memory bound alone (no cycles): board peak bandwidth / weight bytes per token.
double bandwidth_bound_tokens_per_second(const BoardConfig& board, uint64_t weight_bytes_per_token);

}  // namespace mmfree::measure
