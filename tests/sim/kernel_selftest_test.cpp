// The Verilated mmfree_kernel of the sim backend (default configuration) on the real demo
// model, in the one mode its RTL runs end to end today: the weight-path self-test
// (flags.matvec_selftest, docs/device.md). Every weight row of every matrix streams once over
// the weight ports through the ternary arrays; each row sum must equal the exact C++ ternary
// kernel, bit for bit, under every memory preset and under random stalls. It also prints the
// simulation speed (cycles per second, weight bytes per cycle): what a token's weight stream
// costs in simulation.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "demo_model.hpp"
#include "device/memory_layout.hpp"
#include "mmfree/error.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "mmfree/ternary/matvec.hpp"
#include "runtime/weight_dealing.hpp"

namespace mmfree::sim_test {
namespace {

namespace rm = regmap;

uint64_t align64(uint64_t n) { return (n + 63) / 64 * 64; }

void write_address(sim::SimDevice& device, uint32_t offset, uint64_t address) {
  device.write_register(offset, static_cast<uint32_t>(address));
  device.write_register(offset + 4, static_cast<uint32_t>(address >> 32));
}

struct SelftestRun {
  std::vector<int32_t> sums;
  std::vector<int32_t> expected;
  uint32_t status = 0;
  uint64_t cycles = 0;
  uint64_t weight_bytes_read = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // this process's CPU time: the figure that does not depend on load
  unsigned ports = 0;
  std::string protocol_error;
};

SelftestRun run_selftest(const sim::MemoryTiming& timing, uint32_t vector_seed) {
  const Model& model = demo_model();
  const auto& c = model.config();
  sim::SimDeviceOptions options;
  options.timing = timing;
  auto device = sim::open_sim_kernel(options);
  SelftestRun run;
  run.ports = device->read_register(rm::hw_weight_ports::kOffset);

  const auto image = model.image();
  const auto params = device->allocate(image.size(), "params");
  device->write(params, 0, image);

  device::WeightDealing dealing(model, run.ports);
  std::vector<std::byte> rows;
  for (unsigned p = 0; p < run.ports; ++p) {
    char name[16];
    std::snprintf(name, sizeof name, "w%02u", p);
    const auto buffer = device->allocate(dealing.port_bytes(p), name);
    std::size_t offset = 0;
    for (std::size_t m = 0; m < dealing.matrices().size(); ++m) {
      dealing.gather(m, p, rows);
      device->write(buffer, offset, rows);
      offset += rows.size();
    }
    write_address(*device, rm::weight_port_offset(p), buffer.address);
  }

  // io: qd [d] int8, qi [I] int8, then the row sums of every matrix in stream order.
  std::mt19937 rng(vector_seed);
  std::vector<int8_t> qd(c.hidden_size), qi(c.intermediate_size);
  for (auto& q : qd) q = static_cast<int8_t>(rng());
  for (auto& q : qi) q = static_cast<int8_t>(rng());
  const auto matrices = stream_order(model);
  for (const auto& m : matrices) {
    std::vector<int32_t> sums(m.rows);
    ternary_matvec(m, m.cols == c.hidden_size ? std::span<const int8_t>(qd) : std::span<const int8_t>(qi), sums);
    run.expected.insert(run.expected.end(), sums.begin(), sums.end());
  }
  const uint64_t sums_offset = align64(c.hidden_size) + align64(c.intermediate_size);
  const auto io = device->allocate(sums_offset + 4 * run.expected.size(), "io");
  device->write_span<int8_t>(io, 0, qd);
  device->write_span<int8_t>(io, align64(c.hidden_size), qi);
  const auto state = device->allocate(4096, "state");

  write_address(*device, rm::params::kOffset, params.address);
  write_address(*device, rm::io::kOffset, io.address);
  write_address(*device, rm::state::kOffset, state.address);
  device->write_register(rm::num_tokens::kOffset, 1);
  device->write_register(rm::flags::kOffset, rm::flags::kMatvecSelftest);

  const auto began = std::chrono::steady_clock::now();
  const std::clock_t cpu_began = std::clock();
  device->start();
  device->wait(std::chrono::seconds(300));
  run.cpu_seconds = double(std::clock() - cpu_began) / CLOCKS_PER_SEC;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  run.cycles = device->last_command_cycles();
  run.status = device->read_register(rm::status::kOffset);
  run.sums.resize(run.expected.size());
  device->read_span<int32_t>(io, sums_offset, run.sums);
  for (std::size_t k = 0; k < device->harness().port_count(); ++k) {
    const auto& port = device->harness().port(k);
    if (port.port_name() != "m_axi_gmem") run.weight_bytes_read += port.stats().read_bytes;
  }
  run.protocol_error = device->harness().protocol_error();
  return run;
}

// Every port's buffer, in the demo's weight encoding (each trit5 port pads its own last beat).
uint64_t total_weight_bytes(unsigned ports) {
  const device::WeightDealing dealing(demo_model(), ports);
  uint64_t bytes = 0;
  for (unsigned p = 0; p < ports; ++p) bytes += dealing.port_bytes(p);
  return bytes;
}

void expect_exact(const SelftestRun& run, const std::string& label) {
  EXPECT_EQ(run.status, 0u) << label;
  EXPECT_EQ(run.protocol_error, "") << label;
  EXPECT_EQ(run.weight_bytes_read, total_weight_bytes(run.ports)) << label << ": every weight byte is read exactly once";
  ASSERT_EQ(run.sums.size(), run.expected.size());
  std::size_t mismatches = 0, first = run.sums.size();
  for (std::size_t k = 0; k < run.sums.size(); ++k) {
    if (run.sums[k] != run.expected[k]) {
      if (mismatches++ == 0) first = k;
    }
  }
  EXPECT_EQ(mismatches, 0u) << label << ": first mismatching row sum at stream row " << first;
  std::printf("[ sim speed ] %-16s P=%u: %llu weight bytes in %llu kernel cycles (%.1f B/cycle); %.3f s wall, "
              "%.3f s CPU: %.0f simulated cycles per CPU second\n",
              label.c_str(), run.ports, static_cast<unsigned long long>(run.weight_bytes_read),
              static_cast<unsigned long long>(run.cycles), double(run.weight_bytes_read) / double(run.cycles),
              run.seconds, run.cpu_seconds, double(run.cycles) / run.cpu_seconds);
}

class SimKernelSelftest : public ::testing::TestWithParam<std::string> {};

TEST_P(SimKernelSelftest, DemoModelRowSumsEqualTheExactKernel) {
  const auto run = run_selftest(sim::memory_timing_preset(GetParam()), 1);
  expect_exact(run, GetParam());
}

TEST_P(SimKernelSelftest, RandomStallsChangeCyclesNeverSums) {
  auto timing = sim::memory_timing_preset(GetParam());
  timing.stall_probability = 0.25;
  timing.stall_seed = 3;
  const auto run = run_selftest(timing, 2);
  expect_exact(run, GetParam() + " + stalls");
}

INSTANTIATE_TEST_SUITE_P(Presets, SimKernelSelftest, ::testing::Values("ideal", "hbm", "ddr4"),
                         [](const auto& info) { return info.param; });

TEST(SimKernel, IdentifiesItselfAsTheDefaultConfiguration) {
  auto device = sim::open_sim_kernel({});
  EXPECT_EQ(device->read_register(rm::hw_magic::kOffset), rm::kKernelMagic);
  EXPECT_EQ(device->read_register(rm::hw_version::kOffset), rm::kInterfaceVersion);
  EXPECT_EQ(device->read_register(rm::hw_weight_ports::kOffset), unsigned{MMFREE_SIM_TEST_WEIGHT_PORTS});
  EXPECT_EQ(device->read_register(rm::hw_weight_data_width::kOffset), 512u);
  // One memory model per AXI master: gmem and every weight port.
  EXPECT_EQ(device->harness().port_count(), std::size_t{MMFREE_SIM_TEST_WEIGHT_PORTS} + 1);
}

TEST(SimKernel, KernelStuckOnMemoryTimesOutNamingWhatItWaitsFor) {
  auto timing = sim::memory_timing_preset("ideal");
  timing.read_latency_cycles = uint64_t{1} << 40;  // gmem never answers the descriptor read
  sim::SimDeviceOptions options;
  options.timing = timing;
  options.max_cycles_per_command = 50000;
  auto device = sim::open_sim_kernel(options);
  const auto params = device->allocate(demo_model().image().size(), "params");
  device->write(params, 0, demo_model().image());
  write_address(*device, rm::params::kOffset, params.address);
  device->write_register(rm::num_tokens::kOffset, 1);
  device->write_register(rm::num_lanes::kOffset, 1);   // (arguments that pass the accept checks)
  device->write_register(rm::num_slots::kOffset, 1);
  device->start();
  try {
    device->wait(std::chrono::seconds(60));
    FAIL() << "a kernel whose descriptor read never returns cannot finish";
  } catch (const DeviceError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("did not finish: cycle budget of 50000 cycles spent"), std::string::npos) << what;
    EXPECT_NE(what.find("(running)"), std::string::npos) << what;
    EXPECT_NE(what.find("m_axi_gmem: "), std::string::npos) << what;
    EXPECT_NE(what.find("read bursts outstanding (oldest at 0x"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mmfree::sim_test
