// How fast one simulated memory port answers: the knobs of AxiMemorySlave and the named presets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmfree::sim {

// The kernel clock the presets convert bandwidths at. Vitis links RTL kernels on the Alveo
// HBM/DDR platforms at 300 MHz by default; docs/device.md uses the same figure.
inline constexpr double kDefaultKernelClockHz = 300e6;

struct MemoryTiming {
  std::string name = "ideal";
  // Cycles from accepting a read burst (AR handshake) to its first data beat being offered,
  // and from the last write beat to the write response.
  uint64_t read_latency_cycles = 0;
  uint64_t write_latency_cycles = 0;
  // Sustained bytes per kernel cycle the port delivers (reads and writes share it, as the
  // DRAM bus does). 0 means "one full beat every cycle", whatever the bus width.
  double bytes_per_cycle = 0.0;
  // Bursts accepted but not yet finished, per direction; the address channel stalls beyond it.
  unsigned max_outstanding = 64;
  // Randomized back-pressure: each cycle every ready/valid the model drives is withheld with
  // this probability (0 disables). Stalls change timing only, never data or order.
  double stall_probability = 0.0;
  uint64_t stall_seed = 1;
};

// Presets by name (see docs in memory_timing.cpp for the figures and their sources):
//   ideal  0 latency, one full-width beat every cycle
//   hbm    one HBM2 pseudo-channel of an Alveo U55C/U280: 14.375 GB/s, 120-cycle read latency
//   ddr4   one DDR4-2400 x64 channel of an Alveo U250: 19.2 GB/s, 80-cycle read latency
//   hbm-sustained   hbm at the bandwidth measured on a U280: 425 of 460 GB/s (Shuhai), 13.28 GB/s
//                   per pseudo-channel
//   ddr4-sustained  ddr4 at the bandwidth measured on a U280's DDR4-2400 channel: 18.0 GB/s
// The nominal presets stay as they were, so earlier figures remain comparable.
// Throws mmfree::UsageError for an unknown name, listing the known ones.
MemoryTiming memory_timing_preset(std::string_view name, double kernel_clock_hz = kDefaultKernelClockHz);
std::vector<std::string_view> memory_timing_preset_names();

}  // namespace mmfree::sim
