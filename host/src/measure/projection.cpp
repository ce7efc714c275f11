#include "mmfree/measure/projection.hpp"

#include "mmfree/error.hpp"

namespace mmfree::measure {

double bandwidth_bound_tokens_per_second(const BoardConfig& board, uint64_t weight_bytes_per_token) {
  if (weight_bytes_per_token == 0) throw UsageError("projection: a token must stream some weight bytes");
  return board.memory_bandwidth_gbps * 1e9 / double(weight_bytes_per_token);
}

Projection project(const BoardConfig& board, uint64_t weight_bytes_per_token, double cycles_per_token) {
  if (!(cycles_per_token > 0)) throw UsageError("projection: cycles per token must be positive");
  if (board.weight_ports == 0 || board.beat_bytes() == 0 || !(board.kernel_clock_mhz > 0))
    throw UsageError("projection: board '" + board.name + "' has no weight ports, beat width or clock");
  Projection p;
  p.weight_bytes_per_token = weight_bytes_per_token;
  p.cycles_per_token = cycles_per_token;
  p.tokens_per_second = board.kernel_clock_hz() / cycles_per_token;
  p.bandwidth_bound_tokens_per_second = bandwidth_bound_tokens_per_second(board, weight_bytes_per_token);
  p.port_bound_tokens_per_second =
      board.weight_streaming_bandwidth_bytes_per_second() / double(weight_bytes_per_token);
  p.ideal_streaming_cycles = double(weight_bytes_per_token) / (double(board.weight_ports) * board.beat_bytes());
  p.bandwidth_efficiency = p.ideal_streaming_cycles / cycles_per_token;
  p.fraction_of_bandwidth_bound = p.tokens_per_second / p.bandwidth_bound_tokens_per_second;
  return p;
}

BatchProjection project_batch(const BoardConfig& board, double decode_pass_cycles, double chain_pass_cycles,
                              unsigned lanes, uint32_t prompt_tokens) {
  if (lanes == 0) throw UsageError("projection: a batch needs at least one lane");
  if (!(decode_pass_cycles > 0) || !(chain_pass_cycles > 0))
    throw UsageError("projection: cycles per pass must be positive");
  BatchProjection b;
  b.lanes = lanes;
  b.tokens_per_second_per_sequence = board.kernel_clock_hz() / decode_pass_cycles;
  b.tokens_per_second = lanes * b.tokens_per_second_per_sequence;
  b.prompt_tokens = prompt_tokens;
  b.prefill_passes = double((uint64_t(prompt_tokens) + lanes - 1) / lanes);
  b.time_to_first_token_seconds = b.prefill_passes * chain_pass_cycles / board.kernel_clock_hz();
  return b;
}

}  // namespace mmfree::measure
