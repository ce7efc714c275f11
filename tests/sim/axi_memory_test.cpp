// The AXI memory models and the AXI4-Lite driver, exercised by a real Verilated AXI master (the
// test DMA in rtl/axi_copy_engine.sv) through the same SimDevice the kernel uses: every byte is
// read once and in order, writes land (and only where they should), and the timing knobs
// (latency, bandwidth, outstanding limit, random stalls) change when things happen, never what.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "copy_engine_top.hpp"
#include "mmfree/error.hpp"
#include "mmfree/sim/sim_device.hpp"

namespace mmfree::sim_test {
namespace {

using sim::AxiBeatRecord;
using sim::MemoryTiming;
using sim::SimDevice;
using sim::SimDeviceOptions;

std::vector<std::byte> random_bytes(std::size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> v(n);
  for (auto& b : v) b = static_cast<std::byte>(rng() & 0xFF);
  return v;
}

uint32_t word_sum(std::span<const std::byte> bytes) {
  uint32_t sum = 0;
  for (std::size_t k = 0; k + 4 <= bytes.size(); k += 4) {
    uint32_t w;
    std::memcpy(&w, bytes.data() + k, 4);
    sum += w;
  }
  return sum;
}

struct CopyResult {
  std::vector<std::byte> destination;  // the whole destination buffer after the copy
  std::vector<AxiBeatRecord> beats;
  sim::AxiPortStats stats;
  uint64_t cycles = 0;
  uint32_t device_word_sum = 0;
  std::string protocol_error;
};

// Copies `beats` beats from `src_offset` inside a random source buffer to `dst_offset` inside a
// destination buffer pre-filled with a guard pattern.
class CopyRig {
 public:
  explicit CopyRig(const MemoryTiming& timing, uint64_t max_cycles = 0) {
    SimDeviceOptions options;
    options.timing = timing;
    options.max_cycles_per_command = max_cycles;
    device_ = std::make_unique<SimDevice>(std::make_unique<CopyEngineTop>(), options);
    device_->harness().port(0).set_beat_log(&log_);
  }

  SimDevice& device() { return *device_; }

  CopyResult copy(std::span<const std::byte> source_contents, std::size_t src_offset, std::size_t dst_offset,
                  std::size_t beats) {
    const auto src = device_->allocate(source_contents.size(), "params");
    const auto dst = device_->allocate(dst_offset + beats * kCopyBeatBytes + 4096, "io");
    device_->write(src, 0, source_contents);
    const std::vector<std::byte> guard(dst.size, std::byte{0xA5});
    device_->write(dst, 0, guard);
    program(src.address + src_offset, dst.address + dst_offset, beats);
    log_.clear();
    device_->start();
    device_->wait(std::chrono::seconds(60));
    CopyResult r;
    r.destination.resize(dst.size);
    device_->read(dst, 0, r.destination);
    r.beats = log_;
    r.stats = device_->harness().port(0).stats();
    r.cycles = device_->last_command_cycles();
    r.device_word_sum = device_->read_register(kCopyWordSum);
    r.protocol_error = device_->harness().protocol_error();
    return r;
  }

  void program(uint64_t src, uint64_t dst, std::size_t beats) {
    device_->write_register(kCopySrcLo, static_cast<uint32_t>(src));
    device_->write_register(kCopySrcHi, static_cast<uint32_t>(src >> 32));
    device_->write_register(kCopyDstLo, static_cast<uint32_t>(dst));
    device_->write_register(kCopyDstHi, static_cast<uint32_t>(dst >> 32));
    device_->write_register(kCopyBeats, static_cast<uint32_t>(beats));
  }

 private:
  std::unique_ptr<SimDevice> device_;
  std::vector<AxiBeatRecord> log_;
};

// A copy that starts 5 beats into a page and spans several 4 KiB pages, so the DMA issues
// short, full and boundary-split bursts.
constexpr std::size_t kSrcOffset = 5 * kCopyBeatBytes;
constexpr std::size_t kDstOffset = 3 * kCopyBeatBytes;
constexpr std::size_t kBeats = 301;

void expect_exact_copy(const CopyResult& r, std::span<const std::byte> source, uint64_t src_address_of_copy) {
  const std::size_t bytes = kBeats * kCopyBeatBytes;
  const auto copied = std::span(source).subspan(kSrcOffset, bytes);
  // The destination holds the source bytes, and nothing around them changed.
  ASSERT_EQ(r.destination.size(), kDstOffset + bytes + 4096);
  EXPECT_TRUE(std::equal(copied.begin(), copied.end(), r.destination.begin() + kDstOffset));
  EXPECT_TRUE(std::all_of(r.destination.begin(), r.destination.begin() + kDstOffset,
                          [](std::byte b) { return b == std::byte{0xA5}; }));
  EXPECT_TRUE(std::all_of(r.destination.begin() + kDstOffset + bytes, r.destination.end(),
                          [](std::byte b) { return b == std::byte{0xA5}; }));
  // Every source byte was read exactly once, in increasing address order.
  std::vector<AxiBeatRecord> reads;
  for (const auto& b : r.beats) {
    if (!b.write) reads.push_back(b);
  }
  ASSERT_EQ(reads.size(), kBeats);
  for (std::size_t k = 0; k < reads.size(); ++k) {
    ASSERT_EQ(reads[k].address, src_address_of_copy + k * kCopyBeatBytes) << "read beat " << k;
    ASSERT_EQ(reads[k].bytes, kCopyBeatBytes);
    if (k > 0) {
      ASSERT_GT(reads[k].cycle, reads[k - 1].cycle);
    }
  }
  EXPECT_EQ(r.stats.read_bytes, bytes);
  EXPECT_EQ(r.stats.write_bytes, bytes);
  EXPECT_EQ(r.stats.decode_errors, 0u);
  // The DMA's own checksum of what it received equals the source's.
  EXPECT_EQ(r.device_word_sum, word_sum(copied));
  EXPECT_EQ(r.protocol_error, "");
}

// The address the first buffer of a fresh device gets.
uint64_t SimMemoryBase() { return sim::SimMemory::kBaseAddress; }

class AxiMemoryPresetTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AxiMemoryPresetTest, CopyReadsEveryByteOnceInOrderAndWritesLand) {
  const auto timing = sim::memory_timing_preset(GetParam());
  CopyRig rig(timing);
  const auto source = random_bytes(kSrcOffset + kBeats * kCopyBeatBytes + 640, 7);
  const auto src = rig.device().allocate(64, "params");  // the copy's buffers come after this one
  const uint64_t expected_src = src.address + 4096 + kSrcOffset;
  const auto r = rig.copy(source, kSrcOffset, kDstOffset, kBeats);
  expect_exact_copy(r, source, expected_src);
}

TEST_P(AxiMemoryPresetTest, RandomStallsChangeTimingNeverData) {
  auto timing = sim::memory_timing_preset(GetParam());
  const auto source = random_bytes(kSrcOffset + kBeats * kCopyBeatBytes, 11);
  CopyRig calm(timing);
  const auto calm_result = calm.copy(source, kSrcOffset, kDstOffset, kBeats);
  timing.stall_probability = 0.3;
  for (uint64_t seed : {1u, 2u}) {
    timing.stall_seed = seed;
    CopyRig stalled(timing);
    const auto r = stalled.copy(source, kSrcOffset, kDstOffset, kBeats);
    expect_exact_copy(r, source, SimMemoryBase() + kSrcOffset);
    EXPECT_EQ(r.destination, calm_result.destination);
    // Stalls always move the schedule. On the ideal memory they can only cost cycles; on a
    // bandwidth-shared port they may also reorder reads and writes into a better schedule.
    if (GetParam() == "ideal") {
      EXPECT_GT(r.cycles, calm_result.cycles);
    } else {
      EXPECT_NE(r.cycles, calm_result.cycles);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, AxiMemoryPresetTest, ::testing::Values("ideal", "hbm", "ddr4"),
                         [](const auto& info) { return info.param; });

TEST(AxiMemoryTiming, IdealStreamsOneBeatPerCycleAfterTheFirst) {
  CopyRig rig(sim::memory_timing_preset("ideal"));
  const auto source = random_bytes(kBeats * kCopyBeatBytes, 3);
  const auto r = rig.copy(source, 0, 0, kBeats);
  // Reads share the port with the copy's writes but the ideal memory never throttles either:
  // the read stream is limited only by the DMA's FIFO reservations.
  EXPECT_EQ(r.stats.read_beats, kBeats);
  EXPECT_LT(r.cycles, 3 * kBeats) << "an ideal memory must not make a 301-beat copy take 3 cycles per beat";
}

TEST(AxiMemoryTiming, LatencyAndBandwidthOfTheHbmPreset) {
  const auto timing = sim::memory_timing_preset("hbm");
  CopyRig rig(timing);
  const auto source = random_bytes(kBeats * kCopyBeatBytes, 5);
  const auto r = rig.copy(source, 0, 0, kBeats);
  const auto first_read =
      std::find_if(r.beats.begin(), r.beats.end(), [](const AxiBeatRecord& b) { return !b.write; });
  ASSERT_NE(first_read, r.beats.end());
  // No data before the latency has passed since the first read burst was accepted.
  EXPECT_GE(first_read->cycle - r.stats.first_read_cycle, timing.read_latency_cycles);
  // Reads and writes together never beat the port's bandwidth (one beat of slack for the bucket).
  const double moved = static_cast<double>(r.stats.read_bytes + r.stats.write_bytes);
  const double window = static_cast<double>(r.beats.back().cycle - first_read->cycle + 1);
  EXPECT_LE(moved - kCopyBeatBytes, timing.bytes_per_cycle * window);
}

TEST(AxiMemoryTiming, OutstandingLimitOfOneSerializesBursts) {
  auto timing = sim::memory_timing_preset("hbm");
  const auto source = random_bytes(kBeats * kCopyBeatBytes, 9);
  CopyRig many(timing);
  const auto pipelined = many.copy(source, 0, 0, kBeats);
  timing.max_outstanding = 1;
  CopyRig one(timing);
  const auto serial = one.copy(source, 0, 0, kBeats);
  EXPECT_EQ(serial.destination, pipelined.destination);
  // With one burst at a time every burst pays the whole latency: at least 120 cycles per burst.
  EXPECT_GE(serial.cycles, serial.stats.read_bursts * timing.read_latency_cycles);
  EXPECT_GT(serial.cycles, pipelined.cycles);
}

TEST(AxiMemoryErrors, ReadOutsideAllocatedMemoryAnswersDecerrWithZeros) {
  CopyRig rig(sim::memory_timing_preset("ideal"));
  auto& device = rig.device();
  const auto dst = device.allocate(4096, "io");
  const std::vector<std::byte> ones(4096, std::byte{0xFF});
  device.write(dst, 0, ones);
  rig.program(0x40, dst.address, 8);  // address 0x40 is below every buffer
  device.start();
  device.wait(std::chrono::seconds(10));
  EXPECT_EQ(device.harness().port(0).stats().decode_errors, 1u);
  std::vector<std::byte> out(8 * kCopyBeatBytes);
  device.read(dst, 0, out);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::byte b) { return b == std::byte{0}; }));
}

TEST(AxiMemoryCommands, SecondCommandAfterTheFirstEqualsItAlone) {
  const auto timing = sim::memory_timing_preset("ddr4");
  const auto first = random_bytes(kBeats * kCopyBeatBytes, 21);
  const auto second = random_bytes(kBeats * kCopyBeatBytes, 22);
  CopyRig both(timing);
  both.copy(first, 0, 0, kBeats);
  const auto after_first = both.copy(second, 0, 0, kBeats);
  CopyRig alone(timing);
  const auto by_itself = alone.copy(second, 0, 0, kBeats);
  EXPECT_EQ(after_first.destination, by_itself.destination);
  EXPECT_EQ(after_first.device_word_sum, by_itself.device_word_sum);
}

TEST(AxiLite, RegistersReadBackAndDoneIsClearedByReading) {
  CopyRig rig(sim::memory_timing_preset("ideal"));
  auto& device = rig.device();
  device.write_register(kCopySrcLo, 0xDEADBEEF);
  device.write_register(kCopySrcHi, 0x12345678);
  EXPECT_EQ(device.read_register(kCopySrcLo), 0xDEADBEEFu);
  EXPECT_EQ(device.read_register(kCopySrcHi), 0x12345678u);
  // A zero-beat copy completes at once; ap_done is then set until ctrl is read.
  device.write_register(kCopyBeats, 0);
  device.harness().write_register(0x00, 1);
  for (int k = 0; k < 10; ++k) device.harness().tick();
  EXPECT_EQ(device.read_register(0x00) & 0x6u, 0x6u);  // ap_done and ap_idle
  EXPECT_EQ(device.read_register(0x00) & 0x2u, 0x0u);  // cleared by the first read
}

TEST(SimDeviceErrors, BadBuffersAndOffsetsAreClearErrors) {
  CopyRig rig(sim::memory_timing_preset("ideal"));
  auto& device = rig.device();
  try {
    device.allocate(4096, "w07");
    FAIL() << "the copy engine has no weight port";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("'w07'"), std::string::npos) << e.what();
  }
  const auto buffer = device.allocate(100, "params");
  std::vector<std::byte> bytes(64);
  try {
    device.write(buffer, 80, bytes);
    FAIL() << "a write past the end of a buffer must fail";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("overruns a buffer of 100 bytes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(device.write_register(0x1002, 1), DeviceError);
  EXPECT_THROW(sim::memory_timing_preset("sram"), UsageError);
}

TEST(SimDeviceTimeout, KernelWaitingOnMemoryForeverHitsTheCycleBudget) {
  auto timing = sim::memory_timing_preset("ideal");
  timing.read_latency_cycles = uint64_t{1} << 40;  // the memory never answers
  CopyRig rig(timing, /*max_cycles=*/20000);
  auto& device = rig.device();
  const auto src = device.allocate(4096, "params");
  const auto dst = device.allocate(4096, "io");
  rig.program(src.address, dst.address, 16);
  device.start();
  try {
    device.wait(std::chrono::seconds(60));
    FAIL() << "a kernel whose reads never return cannot finish";
  } catch (const DeviceError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("did not finish: cycle budget of 20000 cycles spent"), std::string::npos) << what;
    EXPECT_NE(what.find("(running)"), std::string::npos) << what;
    EXPECT_NE(what.find("m_axi_gmem: 1 read bursts outstanding"), std::string::npos) << what;
  }
}

TEST(SimDeviceTimeout, WallClockTimeoutWithoutCycleBudget) {
  auto timing = sim::memory_timing_preset("ideal");
  timing.read_latency_cycles = uint64_t{1} << 40;
  CopyRig rig(timing);
  auto& device = rig.device();
  const auto src = device.allocate(4096, "params");
  const auto dst = device.allocate(4096, "io");
  rig.program(src.address, dst.address, 16);
  device.start();
  try {
    device.wait(std::chrono::milliseconds(50));
    FAIL() << "a kernel whose reads never return cannot finish";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("timeout of 0.05 s"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mmfree::sim_test
