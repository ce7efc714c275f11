// The clock loop: a Verilated top, one AxiMemorySlave per master port over one SimMemory, and
// the AXI4-Lite host driver, advanced together one kernel clock cycle at a time.
//
// Per cycle: every agent drives the DUT's inputs from its state; the DUT is evaluated with the
// clock low so ready/valid settle; every agent samples the handshakes that will happen at the
// rising edge; the DUT is clocked. No heap allocation and no type-erased calls happen per
// cycle apart from the two evaluations of the model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mmfree/sim/axi_lite_driver.hpp"
#include "mmfree/sim/axi_memory_slave.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_memory.hpp"
#include "mmfree/sim/verilated_top.hpp"

namespace mmfree::sim {

class SimHarness {
 public:
  // Every memory port gets `timing` (with its stall seed varied per port, so ports do not stall
  // in lockstep). Holds the DUT in reset for a few cycles.
  SimHarness(std::unique_ptr<VerilatedTop> top, const MemoryTiming& timing);
  ~SimHarness();
  SimHarness(const SimHarness&) = delete;
  SimHarness& operator=(const SimHarness&) = delete;

  // Resets the DUT and every agent (memory contents are kept).
  void reset(unsigned cycles = 8);

  void tick() {
    for (auto& port : ports_) port->drive(cycle_);
    control_.drive();
    top_->set_clock_and_eval(false);
    for (auto& port : ports_) port->sample(cycle_);
    control_.sample();
    top_->set_clock_and_eval(true);
    ++cycle_;
  }

  // Register access through the AXI4-Lite port, clocking the DUT meanwhile. DeviceError when
  // the slave does not complete the transaction within `max_cycles`.
  void write_register(uint32_t offset, uint32_t value, uint64_t max_cycles = 100000);
  uint32_t read_register(uint32_t offset, uint64_t max_cycles = 100000);

  bool interrupt() const { return interrupt_.high(); }
  bool has_interrupt() const { return interrupt_.present(); }

  uint64_t cycle() const { return cycle_; }
  SimMemory& memory() { return memory_; }
  // The AXI4-Lite host driver, for tests that need its knobs (strobes, random channel delays).
  AxiLiteDriver& control() { return control_; }
  VerilatedTop& top() { return *top_; }
  std::size_t port_count() const { return ports_.size(); }
  AxiMemorySlave& port(std::size_t k) { return *ports_[k]; }
  // Index of the port called `name` ("m_axi_w00"), or -1.
  int find_port(const std::string& name) const;

  // Every port's in-flight transactions, one per line, for timeout messages.
  std::string describe_ports() const;
  // The first AXI protocol violation any port saw, or "".
  std::string protocol_error() const;

 private:
  void finish_lite_transaction(const char* what, uint32_t offset, uint64_t max_cycles);

  std::unique_ptr<VerilatedTop> top_;
  SimMemory memory_;
  std::vector<std::unique_ptr<AxiMemorySlave>> ports_;
  AxiLiteDriver control_;
  SignalRef interrupt_;
  uint64_t cycle_ = 0;
};

}  // namespace mmfree::sim
