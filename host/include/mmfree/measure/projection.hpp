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

// A kernel of B lanes (docs/device.md, Lanes and chains): a decode pass advances `lanes`
// sequences by a token each, a prefill pass reads `lanes` tokens of one prompt (a chain).
struct BatchProjection {
  unsigned lanes = 1;
  double tokens_per_second = 0;               // aggregate: every lane's token of every pass
  double tokens_per_second_per_sequence = 0;  // one sequence: one token per decode pass
  uint32_t prompt_tokens = 0;                 // the prompt of the time to first token
  double prefill_passes = 0;                  // ceil(prompt / lanes) chain passes
  double time_to_first_token_seconds = 0;     // those passes at the kernel clock
};

// From the cycles of one decode pass and one prefill (chain) pass of `lanes` lanes. UsageError
// for non-positive cycles or no lanes.
BatchProjection project_batch(const BoardConfig& board, double decode_pass_cycles, double chain_pass_cycles,
                              unsigned lanes, uint32_t prompt_tokens);

// The memory bound alone (no cycles): board peak bandwidth / weight bytes per token.
double bandwidth_bound_tokens_per_second(const BoardConfig& board, uint64_t weight_bytes_per_token);

}  // namespace mmfree::measure
