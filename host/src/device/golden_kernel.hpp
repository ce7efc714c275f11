// What the golden kernel model does with one start command (docs/device.md, "One start
// command"): check the image, reset the slot if asked, and run each token through the
// per-token schedule, reading everything from device memory and writing argmax, logits and
// state back to it.
#pragma once

#include <array>
#include <cstdint>

#include "device/device_memory.hpp"
#include "device/golden_control_slave.hpp"
#include "mmfree/device/golden_device.hpp"

namespace mmfree::device {

class GoldenKernel {
 public:
  GoldenKernel(DeviceMemory& memory, const GoldenDeviceConfig& config) : memory_(memory), config_(config) {}

  // Runs the command whose arguments are the latched register words; sets the counters on
  // `control` and returns the status word (0 after a good run).
  uint32_t run(const std::array<uint32_t, GoldenControlSlave::kWords>& words, GoldenControlSlave& control);

 private:
  DeviceMemory& memory_;
  GoldenDeviceConfig config_;
};

}  // namespace mmfree::device
