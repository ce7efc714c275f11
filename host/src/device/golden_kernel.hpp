// What the golden kernel model does with one start command (docs/device.md, "One start
// command"): check the image, reset the slot if asked, and run each token through the
// per-token schedule, reading everything from device memory and writing argmax, logits and
// state back to it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "device/device_memory.hpp"
#include "device/golden_control_slave.hpp"
#include "device/golden_token_pass.hpp"
#include "mmfree/device/golden_device.hpp"

namespace mmfree::device {

class GoldenKernel {
 public:
  GoldenKernel(DeviceMemory& memory, const GoldenDeviceConfig& config) : memory_(memory), config_(config) {}

  // Runs the command whose arguments are the latched register words; sets the counters on
  // `control` and returns the status word (0 after a good run).
  uint32_t run(const std::array<uint32_t, GoldenControlSlave::kWords>& words, GoldenControlSlave& control);

  // Every write into device memory (the host's or the kernel's own) passes here, so that the
  // converted parameters are dropped as soon as the image they came from changes.
  void memory_written(uint64_t address, std::size_t size);

 private:
  // The image's parameters after conversion, kept between commands: converting them is a
  // pure function of the image bytes, so the result is the same as converting on every read
  // (what the RTL does), only without redoing it for every single-token command.
  struct Converted {
    uint64_t params = 0, first = 0, last = 0;  // the params address and its buffer's extent
    KernelParameters parameters;
    std::unique_ptr<GoldenTokenPass> pass;
  };

  DeviceMemory& memory_;
  GoldenDeviceConfig config_;
  std::unique_ptr<Converted> converted_;
};

}  // namespace mmfree::device
