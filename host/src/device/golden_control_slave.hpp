// The golden kernel model's AXI4-Lite register file: the words of the generated register map
// with the access behaviour docs/registers.md gives them (ap_ctrl_hs control, RW arguments,
// toggle-on-write ISR, read-only status/identification, latched 64-bit counters).
//
// It knows nothing about what a command computes: the golden device asks it whether a write
// started a command, takes the latched arguments, and reports completion back.
#pragma once

#include <array>
#include <cstdint>

#include "mmfree/contract.hpp"
#include "mmfree/regmap.hpp"

namespace mmfree::device {

struct GoldenHardwareInfo {
  uint32_t weight_ports = contract::kNumWeightPorts;
  uint32_t weight_data_width = contract::kWeightDataWidth;
  uint32_t max_hidden = contract::kMaxHidden;
  uint32_t max_intermediate = contract::kMaxIntermediate;
  uint32_t batch_lanes = contract::kBatchLanes;
};

class GoldenControlSlave {
 public:
  static constexpr uint32_t kWords = regmap::kAddressRange / 4;

  explicit GoldenControlSlave(const GoldenHardwareInfo& info);

  // Host side. A read may change state (ap_done/ap_ready clear on read; a counter's low word
  // latches its high word). write() returns true when it asked an idle kernel to start.
  uint32_t read(uint32_t offset);
  bool write(uint32_t offset, uint32_t value);

  // Kernel side.
  // Accepting a start: the argument words as they are now, counters cleared, ap_idle low.
  std::array<uint32_t, kWords> accept();
  // The end of a command: status, ap_done/ap_ready/ap_idle up, ap_start down unless
  // auto_restart, enabled ISR bits set. Returns true when auto_restart asks for another run.
  bool complete(uint32_t status);
  void set_counter(uint32_t offset, uint64_t value);
  uint64_t counter(uint32_t offset) const;
  bool running() const { return !idle_; }
  // The level of the `interrupt` output.
  bool interrupt() const;

 private:
  enum class Access : uint8_t { Unmapped, Ctrl, Gie, Ier, Isr, Argument, ReadOnly, CounterLow, CounterHigh };

  std::array<Access, kWords> access_{};
  std::array<uint32_t, kWords> words_{};
  bool start_ = false, done_ = false, idle_ = true, ready_ = false, auto_restart_ = false;
  uint32_t latched_high_ = 0;
};

}  // namespace mmfree::device
