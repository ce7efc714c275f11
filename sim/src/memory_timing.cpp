// The memory presets and where their figures come from.
//
// hbm: AMD UG1393 ("HBM Configuration and Use") gives 14.375 GB/s theoretical per pseudo-channel
//   (460 GB/s over 32 on the U55C/U280). At the 300 MHz kernel clock that is 47.9 bytes per
//   cycle, less than one 64-byte beat, so a 512-bit port can never stream every cycle from one PC.
//   Latency: published FPGA HBM measurements (Wang et al., "Shuhai", FCCM 2020, on a U280; Choi
//   et al., "When HLS meets FPGA HBM", FPGA 2021) put an idle read at a few hundred ns once the
//   AXI switch and clock crossing are included; we use 120 kernel cycles (400 ns), inside the
//   100-200 cycle range, as a round approximation rather than a measured figure.
// ddr4: a 64-bit DDR4-2400 channel moves 19.2 GB/s (UG1393 quotes 19.25 GB/s per U250 channel):
//   64 bytes per cycle at 300 MHz, i.e. one 512-bit beat per cycle at best. Its controller
//   latency is lower than HBM's in the same measurements; we use 80 cycles (~270 ns).
// Both allow 32 outstanding bursts per direction, enough to cover the latency with 16-beat bursts.
//
// The sustained presets: the same latencies, the bandwidth that was measured rather than specified.
// hbm-sustained: Wang et al., "Shuhai: Benchmarking High Bandwidth Memory on FPGAs", FCCM 2020
//   (extended: Huang et al., IEEE Trans. Computers 2021, doi:10.1109/TC.2021.3075765) measure up to
//   425 GB/s over the 32 pseudo-channels of a U280 (of the nominal 460 GB/s: 92.4%), i.e. 13.28 GB/s
//   per pseudo-channel, with sequential reads of long bursts and no crossbar traffic, the access
//   pattern of a weight port. Shorter bursts, strided addresses or ports reaching other pseudo-
//   channels through the switch get less (their per-channel figures).
// ddr4-sustained: the same papers run Shuhai on the U280's two DDR4-2400 channels: about 18 GB/s
//   per channel of the 19.2 GB/s peak (93.8%), again sequential long bursts; refresh and
//   read/write turnaround take the rest. The U250's channels are the same DDR4-2400 x64.
#include "mmfree/sim/memory_timing.hpp"

#include <algorithm>

#include "mmfree/error.hpp"

namespace mmfree::sim {

namespace {

constexpr double kHbmPseudoChannelBytesPerSecond = 14.375e9;
constexpr double kDdr4ChannelBytesPerSecond = 19.2e9;
constexpr double kHbmSustainedBytesPerSecond = 425e9 / 32;   // Shuhai, U280
constexpr double kDdr4SustainedBytesPerSecond = 18.0e9;       // Shuhai, U280 DDR4-2400 channel

}  // namespace

std::vector<std::string_view> memory_timing_preset_names() {
  return {"ideal", "hbm", "ddr4", "hbm-sustained", "ddr4-sustained"};
}

MemoryTiming memory_timing_preset(std::string_view name, double kernel_clock_hz) {
  if (!(kernel_clock_hz > 0)) throw UsageError("memory preset: kernel clock must be positive");
  MemoryTiming t;
  t.name = std::string(name);
  if (name == "ideal") {
    return t;
  }
  if (name == "hbm") {
    t.read_latency_cycles = 120;
    t.write_latency_cycles = 120;
    t.bytes_per_cycle = kHbmPseudoChannelBytesPerSecond / kernel_clock_hz;
    t.max_outstanding = 32;
    return t;
  }
  if (name == "ddr4") {
    t.read_latency_cycles = 80;
    t.write_latency_cycles = 80;
    t.bytes_per_cycle = kDdr4ChannelBytesPerSecond / kernel_clock_hz;
    t.max_outstanding = 32;
    return t;
  }
  if (name == "hbm-sustained" || name == "ddr4-sustained") {
    const bool hbm = name == "hbm-sustained";
    t = memory_timing_preset(hbm ? "hbm" : "ddr4", kernel_clock_hz);
    t.name = std::string(name);
    t.bytes_per_cycle = (hbm ? kHbmSustainedBytesPerSecond : kDdr4SustainedBytesPerSecond) / kernel_clock_hz;
    return t;
  }
  std::string known;
  for (auto n : memory_timing_preset_names()) known += (known.empty() ? "" : ", ") + std::string(n);
  throw UsageError("unknown memory preset '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace mmfree::sim
