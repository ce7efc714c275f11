#include "mmfree/measure/energy_model.hpp"

#include "mmfree/error.hpp"

namespace mmfree::measure {

namespace {

// docs/energy.md, "Coefficients": each figure, its source and why it was chosen.
constexpr double kHbm2PjPerBit = 7.0;         // docs/targets.md (HBM2 ~7 pJ/bit)
constexpr double kDdr4PjPerBit = 30.0;        // docs/targets.md's 20-40 pJ/bit, mid-range
constexpr double kSramPjPer64Bits = 10.0;     // Horowitz ISSCC 2014, 8 KB SRAM 64-bit read
constexpr double kEightBitAddPj = 0.03;       // Horowitz ISSCC 2014, 8-bit integer add

}  // namespace

EnergyCoefficients energy_coefficients(const BoardConfig& board) {
  EnergyCoefficients k;
  k.memory_pj_per_bit = board.memory == "HBM2" ? kHbm2PjPerBit : kDdr4PjPerBit;
  k.sram_pj_per_64_bits = kSramPjPer64Bits;
  k.ternary_op_pj = kEightBitAddPj;
  if (board.name == "u55c") {
    k.static_watts = 15.0;
    k.static_source = "assumed: docs/targets.md's idle U55C (about 15 W), not sourced to a data sheet";
  } else if (board.name == "u280") {
    k.static_watts = 15.0;
    k.static_source = "assumed equal to the U55C (same HBM2 die family), not sourced";
  } else if (board.name == "u250") {
    k.static_watts = 25.0;
    k.static_source = "assumed (larger 4-SLR die, 64 GiB DDR4), not sourced";
  } else if (board.name == "kv260") {
    k.static_watts = 3.0;
    k.static_source = "assumed (Kria SOM, 5 W budget of TeLLMe, docs/targets.md), not sourced";
  } else {
    k.static_watts = 0.0;
    k.static_source = "unknown board: static power not counted";
  }
  return k;
}

CounterTotals counter_totals(const std::vector<device::Counter>& counters) {
  CounterTotals t;
  for (const auto& c : counters) {
    if (c.name == "tokens") t.tokens = c.value;
    else if (c.name == "weight_bytes") t.weight_bytes = c.value;
    else if (c.name == "gmem_read_bytes") t.gmem_read_bytes = c.value;
    else if (c.name == "gmem_write_bytes") t.gmem_write_bytes = c.value;
    else if (c.name == "ternary_ops") t.ternary_ops = c.value;
  }
  return t;
}

double sram_accesses_64bit(const CounterTotals& t) {
  return 2.0 * double(t.weight_bytes) / 8.0 + double(t.ternary_ops) / 8.0;
}

EnergyEstimate estimate_energy(const CounterTotals& t, double seconds, const EnergyCoefficients& k) {
  if (!(seconds >= 0)) throw UsageError("energy model: the command time must be >= 0 s");
  constexpr double kPico = 1e-12;
  EnergyEstimate e;
  const double memory_bits = 8.0 * double(t.weight_bytes + t.gmem_read_bytes + t.gmem_write_bytes);
  e.memory_joules = memory_bits * k.memory_pj_per_bit * kPico;
  e.sram_accesses_64bit = sram_accesses_64bit(t);
  e.sram_joules = e.sram_accesses_64bit * k.sram_pj_per_64_bits * kPico;
  e.ternary_joules = double(t.ternary_ops) * k.ternary_op_pj * kPico;
  e.dynamic_joules = e.memory_joules + e.sram_joules + e.ternary_joules;
  e.static_joules = k.static_watts * seconds;
  e.total_joules = e.dynamic_joules + e.static_joules;
  return e;
}

}  // namespace mmfree::measure
