// What the harness needs from a Verilated top module, whichever it is: the mmfree kernel in its
// fast or traced build, or a small test module. One implementation per Verilated class binds
// its ports (kernel_top.cpp; tests/sim/ for the test modules).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "mmfree/sim/axi_pins.hpp"

namespace mmfree::sim {

struct NamedAxiPort {
  std::string name;  // e.g. "m_axi_w00"
  AxiMasterPins pins;
};

class VerilatedTop {
 public:
  virtual ~VerilatedTop() = default;

  // Sets the clock input and evaluates the model (and dumps a trace sample when tracing).
  virtual void set_clock_and_eval(bool high) = 0;
  virtual void set_reset_n(bool high) = 0;

  virtual AxiLitePins control_port() = 0;
  virtual std::vector<NamedAxiPort> memory_ports() = 0;
  // The level interrupt output, or an absent SignalRef.
  virtual SignalRef interrupt() { return {}; }

  // The name of the Verilated configuration ("mmfree_kernel P=4 W=512 (fast)").
  virtual std::string description() const = 0;

  // Waveform tracing; only a traced build supports it (the default throws DeviceError).
  virtual void open_trace(const std::filesystem::path& file);
  virtual void close_trace() {}
};

}  // namespace mmfree::sim
