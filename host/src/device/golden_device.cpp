// The golden kernel model as a Device: buffers in a DeviceMemory, the register file of
// GoldenControlSlave, and a GoldenKernel that runs a command when ap_start is written.
#include "mmfree/device/golden_device.hpp"

#include <string>
#include <vector>

#include "device/device_memory.hpp"
#include "device/golden_control_slave.hpp"
#include "device/golden_kernel.hpp"
#include "device/memory_layout.hpp"
#include "mmfree/error.hpp"
#include "mmfree/regmap.hpp"

namespace mmfree::device {
namespace {

class GoldenDevice final : public Device {
 public:
  explicit GoldenDevice(const GoldenDeviceConfig& config)
      : config_(config),
        control_(GoldenHardwareInfo{config.weight_ports, contract::kWeightDataWidth, config.max_hidden,
                                    config.max_intermediate, config.batch_lanes}),
        kernel_(memory_, config) {
    if (config.weight_ports == 0 || config.weight_ports > regmap::kMaxWeightPorts)
      throw DeviceError("golden-kernel: weight_ports " + std::to_string(config.weight_ports) + " outside 1.." +
                        std::to_string(regmap::kMaxWeightPorts));
    if (config.batch_lanes == 0 || config.batch_lanes > regmap::kMaxBatchLanes)
      throw DeviceError("golden-kernel: batch_lanes " + std::to_string(config.batch_lanes) + " outside 1.." +
                        std::to_string(regmap::kMaxBatchLanes));
  }

  std::string description() const override {
    return "golden-kernel (" + std::to_string(config_.weight_ports) + " weight ports, " +
           std::to_string(config_.batch_lanes) + " lanes)";
  }

  Buffer allocate(std::size_t bytes, std::string_view argument) override {
    if (!has_buffer_argument(argument))
      throw DeviceError("golden-kernel: the kernel has no buffer argument '" + std::string(argument) + "'");
    if (bytes == 0) throw DeviceError("golden-kernel: zero-byte allocation for '" + std::string(argument) + "'");
    const uint64_t address = memory_.allocate(bytes);
    buffers_.push_back({static_cast<uint32_t>(buffers_.size()), address, bytes, 0});
    return buffers_.back();
  }

  void write(const Buffer& buffer, std::size_t offset, std::span<const std::byte> data) override {
    const uint64_t address = checked(buffer, offset, data.size(), "write");
    memory_.write(address, data);
    kernel_.memory_written(address, data.size());
  }

  void read(const Buffer& buffer, std::size_t offset, std::span<std::byte> data) override {
    memory_.read(checked(buffer, offset, data.size(), "read"), data);
  }

  void write_register(uint32_t offset, uint32_t value) override {
    check_register(offset);
    if (control_.write(offset, value)) run_commands();
  }

  uint32_t read_register(uint32_t offset) override {
    check_register(offset);
    const uint32_t value = control_.read(offset);
    // With auto_restart the next command starts once the host has seen this one complete:
    // the earliest point a zero-time model can make it observable.
    if (offset == regmap::ctrl::kOffset && restart_pending_) run_commands();
    return value;
  }

  void start() override { write_register(regmap::ctrl::kOffset, regmap::ctrl::kApStart); }

  void wait(std::chrono::duration<double> timeout) override {
    // Commands complete inside start(), so either ap_done is already up or nothing was
    // started and nothing ever will finish: report that at once rather than sleep.
    if (read_register(regmap::ctrl::kOffset) & regmap::ctrl::kApDone) return;
    throw DeviceError("golden-kernel: no command completed within the timeout of " + std::to_string(timeout.count()) +
                      " s (was the kernel started?)");
  }

  std::vector<Counter> read_counters() override {
    // Only the counters a zero-time functional model can know; cycles and stalls are the
    // simulation's. Read through the registers, like any device, so their latching is used.
    std::vector<Counter> out;
    const auto add = [&](std::string name, uint32_t offset) {
      const uint64_t low = read_register(offset);
      out.push_back({std::move(name), (uint64_t(read_register(offset + 4)) << 32) | low});
    };
    add("tokens", regmap::counter::kTokens);
    add("weight_bytes", regmap::counter::kWeightBytes);
    add("ternary_ops", regmap::counter::kTernaryOps);
    for (unsigned p = 0; p < config_.weight_ports; ++p) add(weight_port_counter(p), regmap::weight_port_bytes_offset(p));
    return out;
  }

 private:
  bool has_buffer_argument(std::string_view argument) const {
    for (const auto& a : regmap::kArguments)
      if (a.kind == regmap::ArgumentKind::Buffer && a.name == argument) return true;
    for (unsigned p = 0; p < config_.weight_ports; ++p)
      if (argument == weight_port_argument(p)) return true;
    return false;
  }

  uint64_t checked(const Buffer& buffer, std::size_t offset, std::size_t size, const char* what) const {
    if (buffer.handle >= buffers_.size() || buffers_[buffer.handle].address != buffer.address)
      throw DeviceError(std::string("golden-kernel: ") + what + " on a buffer this device did not allocate");
    const Buffer& b = buffers_[buffer.handle];
    if (offset > b.size || size > b.size - offset)
      throw DeviceError(std::string("golden-kernel: ") + what + " of " + std::to_string(size) + " bytes at offset " +
                        std::to_string(offset) + " overruns a buffer of " + std::to_string(b.size) + " bytes");
    return b.address + offset;
  }

  static void check_register(uint32_t offset) {
    if (offset % 4 != 0 || offset >= regmap::kAddressRange)
      throw DeviceError("golden-kernel: register offset " + std::to_string(offset) +
                        " is not a word inside the control window");
  }

  void run_commands() {
    restart_pending_ = false;
    const auto words = control_.accept();
    const uint32_t status = kernel_.run(words, control_);
    restart_pending_ = control_.complete(status);
  }

  GoldenDeviceConfig config_;
  DeviceMemory memory_;
  GoldenControlSlave control_;
  GoldenKernel kernel_;
  std::vector<Buffer> buffers_;
  bool restart_pending_ = false;
};

}  // namespace

std::unique_ptr<Device> make_golden_device(const GoldenDeviceConfig& config) {
  return std::make_unique<GoldenDevice>(config);
}

}  // namespace mmfree::device
