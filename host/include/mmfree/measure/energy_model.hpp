// An estimate of the energy of one command from its performance counters: what the kernel
// moved and computed, times energy per unit, plus the board's static power over the time
// the command takes. Every coefficient and where it comes from is in docs/energy.md; the
// result is an estimate and is always labelled so, never a measurement.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/device/device.hpp"
#include "mmfree/measure/board.hpp"

namespace mmfree::measure {

struct EnergyCoefficients {
  double memory_pj_per_bit = 0;        // off-chip DRAM traffic (HBM2 or DDR4), per bit moved
  double sram_pj_per_64_bits = 0;      // one 64-bit access of a small on-chip buffer
  double ternary_op_pj = 0;            // one weight through the adder tree: an 8-bit add
  double static_watts = 0;             // the card's idle draw, paid for every second
  std::string static_source;           // where static_watts comes from (for the label)
};

// The coefficients docs/energy.md gives for this board's memory type and card.
EnergyCoefficients energy_coefficients(const BoardConfig& board);

// What one command did, from the register map's counters.
struct CounterTotals {
  uint64_t tokens = 0;          // 0 for a weight-path self-test pass
  uint64_t weight_bytes = 0;
  uint64_t gmem_read_bytes = 0;
  uint64_t gmem_write_bytes = 0;
  uint64_t ternary_ops = 0;
};
// Missing counters read as 0.
CounterTotals counter_totals(const std::vector<device::Counter>& counters);

struct EnergyEstimate {
  double memory_joules = 0;     // (weight + gmem bytes) x 8 x memory pJ/bit
  double sram_joules = 0;       // on-chip buffer accesses (see sram_accesses_64bit)
  double ternary_joules = 0;    // ternary_ops x pJ per op
  double dynamic_joules = 0;    // the three above
  double static_joules = 0;     // static_watts x seconds
  double total_joules = 0;      // dynamic + static
  double sram_accesses_64bit = 0;
};

// On-chip 64-bit accesses of one command: every weight byte is written into and read out of
// its port FIFO (2 x weight_bytes / 8), and every ternary op reads one int8 activation
// (ternary_ops / 8).
double sram_accesses_64bit(const CounterTotals& totals);

// The energy of one command that took `seconds` on the board (for a projection: cycles /
// kernel clock).
EnergyEstimate estimate_energy(const CounterTotals& totals, double seconds, const EnergyCoefficients& k);

}  // namespace mmfree::measure
