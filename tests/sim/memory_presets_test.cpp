// The sustained memory presets: the nominal presets' latencies at the bandwidth measured on a
// U280 (Shuhai, Wang et al. FCCM 2020; sim/src/memory_timing.cpp), the nominal ones unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "mmfree/sim/memory_timing.hpp"

namespace mmfree::sim {
namespace {

constexpr double kClock = 300e6;

TEST(MemoryPresets, NominalPresetsKeepTheirSpecifiedBandwidth) {
  EXPECT_DOUBLE_EQ(memory_timing_preset("hbm", kClock).bytes_per_cycle * kClock, 14.375e9);
  EXPECT_DOUBLE_EQ(memory_timing_preset("ddr4", kClock).bytes_per_cycle * kClock, 19.2e9);
}

TEST(MemoryPresets, HbmSustainedIs425GBsOver32PseudoChannels) {
  const auto t = memory_timing_preset("hbm-sustained", kClock);
  EXPECT_EQ(t.name, "hbm-sustained");
  EXPECT_NEAR(t.bytes_per_cycle * kClock * 32, 425e9, 1.0);
  const auto nominal = memory_timing_preset("hbm", kClock);
  EXPECT_NEAR(t.bytes_per_cycle / nominal.bytes_per_cycle, 425.0 / 460.0, 1e-12);
  EXPECT_EQ(t.read_latency_cycles, nominal.read_latency_cycles);
  EXPECT_EQ(t.write_latency_cycles, nominal.write_latency_cycles);
  EXPECT_EQ(t.max_outstanding, nominal.max_outstanding);
}

TEST(MemoryPresets, Ddr4SustainedIs18GBsPerChannel) {
  const auto t = memory_timing_preset("ddr4-sustained", kClock);
  EXPECT_NEAR(t.bytes_per_cycle * kClock, 18.0e9, 1.0);
  const auto nominal = memory_timing_preset("ddr4", kClock);
  EXPECT_LT(t.bytes_per_cycle, nominal.bytes_per_cycle);
  EXPECT_EQ(t.read_latency_cycles, nominal.read_latency_cycles);
}

TEST(MemoryPresets, SustainedPresetsAreListedAndFollowTheClock) {
  const auto names = memory_timing_preset_names();
  for (const char* name : {"hbm-sustained", "ddr4-sustained"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  // Bytes per cycle halve when the clock doubles: the bandwidth is what is fixed.
  EXPECT_DOUBLE_EQ(memory_timing_preset("hbm-sustained", 600e6).bytes_per_cycle * 2,
                   memory_timing_preset("hbm-sustained", 300e6).bytes_per_cycle);
}

}  // namespace
}  // namespace mmfree::sim
