// One token's worth of kernel work on a device, with the counters it produced: a real decode
// token where the kernel runs token mode, otherwise the weight-path self-test pass (the same
// weight bytes over the same ports, without the element-wise phases), labelled as such.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mmfree/device/device.hpp"
#include "mmfree/model.hpp"

namespace mmfree::measure {

struct WeightPassResult {
  bool decode_token = false;          // true: a decode token ran; false: a self-test pass
  std::string what;                   // how to label the figures ("one decode token", ...)
  std::string fallback_reason;        // why the self-test pass was used (empty otherwise)
  std::vector<device::Counter> counters;
  uint64_t cycles = 0;                // the kernel's cycles counter for that command
  unsigned lanes = 1;                 // the decode pass advanced this many sequences (lanes)
  uint64_t chain_cycles = 0;          // lanes > 1: a prefill pass, one prompt on a chain of `lanes` lanes
  std::vector<device::Counter> chain_counters;
  unsigned weight_ports = 0;          // of the kernel that ran it
  std::string device;                 // the device's description: its kernel configuration and memory
  double host_seconds = 0;            // wall time of the simulation, for the user's planning
};

// Loads `model` onto a device from `open_device` and runs one decode pass of `lanes` lanes
// (independent sequences, a token each); with lanes > 1 then also one prefill pass, a chain of
// `lanes` lanes on one sequence. When a one-lane token fails (not_implemented, or any other
// DeviceError of a kernel whose token mode is still being written), a fresh device runs the
// self-test pass instead and fallback_reason says why. UsageError when the kernel has fewer
// than `lanes` lanes; DeviceErrors of the self-test pass and of batched passes propagate.
WeightPassResult run_weight_pass(const Model& model, const std::function<std::unique_ptr<device::Device>()>& open_device,
                                 double timeout_seconds, unsigned lanes = 1);

// The weight-path self-test pass alone, on a device from `open_device`: the cycles the weight
// streams need without the element-wise phases. DeviceErrors propagate.
WeightPassResult run_selftest_pass(const Model& model,
                                   const std::function<std::unique_ptr<device::Device>()>& open_device,
                                   double timeout_seconds);

}  // namespace mmfree::measure
