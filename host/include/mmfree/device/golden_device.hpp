// The golden kernel model: a functional model of mmfree_kernel at the register and memory
// level. It has a byte-addressed device memory, the registers of the generated register map
// with their ap_ctrl_hs behaviour, and on each start it reads the descriptor, parameters,
// weight streams, state and io from its memory exactly as docs/device.md lays them out and
// computes with the golden arithmetic of docs/numerics.md.
//
// It is a zero-time model: a command runs to completion inside the register write that
// starts it, so the busy phase (ap_idle low) is never observable and there are no cycle or
// stall counts; timing belongs to the Verilator simulation of the RTL.
#pragma once

#include <cstdint>
#include <memory>

#include "mmfree/contract.hpp"
#include "mmfree/device/device.hpp"

namespace mmfree::device {

// The build parameters the model reports in its hw_* registers (docs/device.md's named
// default configuration unless told otherwise).
struct GoldenDeviceConfig {
  uint32_t weight_ports = contract::kNumWeightPorts;
  uint32_t max_hidden = contract::kMaxHidden;
  uint32_t max_intermediate = contract::kMaxIntermediate;
  uint32_t batch_lanes = contract::kBatchLanes;  // B, 1..regmap::kMaxBatchLanes
  uint32_t weight_encodings = 0b11;  // bit e: decodes weight_encoding e (the RTL's WeightEncodings)
};

std::unique_ptr<Device> make_golden_device(const GoldenDeviceConfig& config = {});

}  // namespace mmfree::device
