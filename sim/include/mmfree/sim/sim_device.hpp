// The Verilator simulation of the kernel as a device::Device: buffers live in the simulated
// memory behind the AXI port models, registers go over the AXI4-Lite pins, and wait() clocks
// the model until the kernel reports done, or gives up with a DeviceError that says what the
// kernel and every memory port were doing when the cycle or time budget ran out.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mmfree/device/device.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_harness.hpp"
#include "mmfree/sim/verilated_top.hpp"

namespace mmfree::sim {

struct SimDeviceOptions {
  MemoryTiming timing;                // per memory port
  std::filesystem::path trace_file;   // FST waveform; empty: the fast, untraced build
  uint64_t max_cycles_per_command = 0;  // 0: only the wall-clock timeout of wait() applies
};

class SimDevice final : public device::Device {
 public:
  SimDevice(std::unique_ptr<VerilatedTop> top, const SimDeviceOptions& options);

  std::string description() const override;
  device::Buffer allocate(std::size_t bytes, std::string_view argument) override;
  void write(const device::Buffer& buffer, std::size_t offset, std::span<const std::byte> data) override;
  void read(const device::Buffer& buffer, std::size_t offset, std::span<std::byte> data) override;
  void write_register(uint32_t offset, uint32_t value) override;
  uint32_t read_register(uint32_t offset) override;
  void start() override;
  void wait(std::chrono::duration<double> timeout) override;
  std::vector<device::Counter> read_counters() override;

  // Simulated kernel cycles of the last finished command, and since the device was opened.
  uint64_t last_command_cycles() const { return last_command_cycles_; }
  uint64_t total_cycles() const { return harness_.cycle(); }
  // Host seconds spent clocking the model in wait(), summed over all commands.
  double simulation_seconds() const { return simulation_seconds_; }
  SimHarness& harness() { return harness_; }

 private:
  void check_range(const device::Buffer& buffer, std::size_t offset, std::size_t bytes, const char* what) const;
  [[noreturn]] void fail_timeout(const std::string& why);

  SimDeviceOptions options_;
  SimHarness harness_;
  std::vector<device::Buffer> buffers_;
  bool running_ = false;
  uint64_t start_cycle_ = 0;
  uint64_t last_command_cycles_ = 0;
  double simulation_seconds_ = 0;
};

// The Verilated mmfree_kernel of this build in its default configuration: the fast model, or
// the FST-traced one when options.trace_file is set. DeviceError when this build has no
// Verilated kernel (the RTL top was missing or did not pass lint at configure time).
std::unique_ptr<SimDevice> open_sim_kernel(const SimDeviceOptions& options);

// The Verilated top alone (for tests that drive it through a SimHarness directly).
std::unique_ptr<VerilatedTop> make_kernel_top(bool traced);

// A short description of the Verilated kernel configuration, or why there is none.
std::string sim_kernel_configuration();

}  // namespace mmfree::sim
