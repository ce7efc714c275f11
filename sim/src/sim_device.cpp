#include "mmfree/sim/sim_device.hpp"

#include <cstdio>

#include "device/counters.hpp"
#include "mmfree/error.hpp"
#include "mmfree/contract.hpp"
#include "mmfree/regmap.hpp"

namespace mmfree::sim {

namespace {

// How often wait() looks at the wall clock; checking it every cycle would cost more than a
// cycle of a small model.
constexpr uint64_t kCyclesBetweenClockChecks = 4096;
// Without an interrupt pin the host polls ctrl, as XRT does.
constexpr uint64_t kCyclesBetweenPolls = 256;

std::string hex32(uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

}  // namespace

SimDevice::SimDevice(std::unique_ptr<VerilatedTop> top, const SimDeviceOptions& options)
    : options_(options), harness_(std::move(top), options.timing) {
  if (!options_.trace_file.empty()) harness_.top().open_trace(options_.trace_file);
  if (harness_.has_interrupt()) {
    // Completion is seen on the interrupt pin, so wait() needs no bus polling.
    harness_.write_register(regmap::ier::kOffset, regmap::ier::kDone);
    harness_.write_register(regmap::gie::kOffset, regmap::gie::kEnable);
  }
}

std::string SimDevice::description() const {
  return "sim: " + const_cast<SimHarness&>(harness_).top().description() + ", memory " + options_.timing.name +
         (options_.timing.stall_probability > 0 ? " with random stalls" : "");
}

device::Buffer SimDevice::allocate(std::size_t bytes, std::string_view argument) {
  // The memory port that dereferences the argument: gmem for params/state/io, m_axi_wNN for wNN.
  std::string port_name;
  if (argument == "params" || argument == "state" || argument == "io") {
    port_name = "m_axi_gmem";
  } else if (const auto port = contract::weight_port_of_argument(argument)) {
    port_name = contract::weight_port_master(*port);
  }
  const int port = port_name.empty() ? -1 : harness_.find_port(port_name);
  if (port < 0) {
    throw DeviceError("sim: the kernel (" + harness_.top().description() + ") has no buffer argument '" +
                      std::string(argument) + "'");
  }
  if (bytes == 0) throw DeviceError("sim: zero-byte buffer requested for argument '" + std::string(argument) + "'");
  device::Buffer buffer;
  buffer.handle = static_cast<uint32_t>(buffers_.size());
  buffer.address = harness_.memory().allocate(bytes);
  buffer.size = bytes;
  buffer.bank = port;
  buffers_.push_back(buffer);
  return buffer;
}

void SimDevice::check_range(const device::Buffer& buffer, std::size_t offset, std::size_t bytes,
                            const char* what) const {
  if (buffer.handle >= buffers_.size() || buffers_[buffer.handle].address != buffer.address) {
    throw DeviceError(std::string("sim: ") + what + " on a buffer this device did not allocate");
  }
  if (offset > buffer.size || bytes > buffer.size - offset) {
    throw DeviceError(std::string("sim: ") + what + " of " + std::to_string(bytes) + " bytes at offset " +
                      std::to_string(offset) + " overruns a buffer of " + std::to_string(buffer.size) + " bytes");
  }
}

void SimDevice::write(const device::Buffer& buffer, std::size_t offset, std::span<const std::byte> data) {
  check_range(buffer, offset, data.size(), "write");
  harness_.memory().write(buffer.address + offset, data);
}

void SimDevice::read(const device::Buffer& buffer, std::size_t offset, std::span<std::byte> data) {
  check_range(buffer, offset, data.size(), "read");
  harness_.memory().read(buffer.address + offset, data);
}

void SimDevice::write_register(uint32_t offset, uint32_t value) {
  if (offset % 4 != 0 || offset >= regmap::kAddressRange) {
    throw DeviceError("sim: register offset " + hex32(offset) + " is not a word inside the control window");
  }
  harness_.write_register(offset, value);
}

uint32_t SimDevice::read_register(uint32_t offset) {
  if (offset % 4 != 0 || offset >= regmap::kAddressRange) {
    throw DeviceError("sim: register offset " + hex32(offset) + " is not a word inside the control window");
  }
  return harness_.read_register(offset);
}

void SimDevice::start() {
  start_cycle_ = harness_.cycle();
  harness_.write_register(regmap::ctrl::kOffset, regmap::ctrl::kApStart);
  running_ = true;
}

void SimDevice::fail_timeout(const std::string& why) {
  running_ = false;
  std::string kernel_state;
  try {
    const uint32_t ctrl = harness_.read_register(regmap::ctrl::kOffset, 1000);
    const uint32_t status = harness_.read_register(regmap::status::kOffset, 1000);
    kernel_state = "ctrl=" + hex32(ctrl) + ((ctrl & regmap::ctrl::kApIdle) ? " (idle)" : " (running)") +
                   ", status=" + hex32(status);
  } catch (const DeviceError& e) {
    kernel_state = std::string("control port not answering (") + e.what() + ")";
  }
  throw DeviceError("sim: " + harness_.top().description() + " did not finish: " + why + " after " +
                    std::to_string(harness_.cycle() - start_cycle_) + " cycles; " + kernel_state +
                    "; memory ports:" + harness_.describe_ports());
}

void SimDevice::wait(std::chrono::duration<double> timeout) {
  if (!running_) throw DeviceError("sim: wait() without a start()");
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  const auto deadline = began + std::chrono::duration_cast<Clock::duration>(timeout);
  const uint64_t budget = options_.max_cycles_per_command;
  bool done = false;
  while (!done) {
    if (harness_.has_interrupt()) {
      for (uint64_t k = 0; k < kCyclesBetweenClockChecks && !harness_.interrupt(); ++k) harness_.tick();
      done = harness_.interrupt();
    } else {
      for (uint64_t k = 0; k < kCyclesBetweenClockChecks / kCyclesBetweenPolls && !done; ++k) {
        for (uint64_t c = 0; c < kCyclesBetweenPolls; ++c) harness_.tick();
        done = (harness_.read_register(regmap::ctrl::kOffset) & regmap::ctrl::kApDone) != 0;
      }
    }
    if (done) break;
    const uint64_t elapsed = harness_.cycle() - start_cycle_;
    if (budget != 0 && elapsed >= budget) {
      simulation_seconds_ += std::chrono::duration<double>(Clock::now() - began).count();
      fail_timeout("cycle budget of " + std::to_string(budget) + " cycles spent");
    }
    if (Clock::now() >= deadline) {
      simulation_seconds_ += std::chrono::duration<double>(Clock::now() - began).count();
      char text[64];
      std::snprintf(text, sizeof text, "timeout of %.3g s", timeout.count());
      fail_timeout(text);
    }
  }
  last_command_cycles_ = harness_.cycle() - start_cycle_;
  simulation_seconds_ += std::chrono::duration<double>(Clock::now() - began).count();
  if (harness_.has_interrupt()) {
    // Consume ap_done (clear on read) and acknowledge the interrupt, as a driver does.
    harness_.read_register(regmap::ctrl::kOffset);
    harness_.write_register(regmap::isr::kOffset, regmap::isr::kDone);
  }
  running_ = false;
  if (const std::string violation = harness_.protocol_error(); !violation.empty()) {
    throw DeviceError("sim: the kernel broke the AXI protocol: " + violation);
  }
}

std::vector<device::Counter> SimDevice::read_counters() { return device::read_register_map_counters(*this); }

}  // namespace mmfree::sim
