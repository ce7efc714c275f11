// Streams inputs through a "valid + stall" datapath unit (hw/rtl/datapath/datapath_pipe_reg.sv
// semantics): a beat is taken when valid_i && !stall_i at a rising edge, and a result is taken
// when valid_o && !stall_i. valid_i and stall_i are randomized every cycle, so results must
// survive arbitrary holds and bubbles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

#include "clocked_model.hpp"

namespace mmfree::rtl_test {

struct StallPattern {
  double valid_probability = 0.7;
  double stall_probability = 0.3;
  uint32_t seed = 1;
};

// offer(i) drives the unit's data inputs (and first/last flags) for beat i; take() reads one
// result. Returns the number of cycles run. Stops after `results` results (or a cycle limit,
// which the caller's result count check then reports).
template <class Model, class Offer, class Take>
long stream_valid_stall(ClockedModel<Model>& sim, std::size_t beats, std::size_t results,
                        const StallPattern& pattern, Offer offer, Take take) {
  std::mt19937 rng(pattern.seed);
  std::bernoulli_distribution valid(pattern.valid_probability), stall(pattern.stall_probability);
  std::size_t next = 0, taken = 0;
  long cycles = 0;
  const long limit = 100 * static_cast<long>(beats + results) + 1000;
  while (taken < results && cycles < limit) {
    const bool offering = next < beats && valid(rng);
    if (offering) offer(next);
    sim->valid_i = offering;
    sim->stall_i = stall(rng);
    sim.settle();
    if (sim->valid_o && !sim->stall_i) {
      take();
      ++taken;
    }
    if (offering && !sim->stall_i) ++next;
    sim.tick();
    ++cycles;
  }
  sim->valid_i = 0;
  return cycles;
}

}  // namespace mmfree::rtl_test
