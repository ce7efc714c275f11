#include "mmfree/sim/sim_harness.hpp"

#include <cstdio>

#include "mmfree/error.hpp"

namespace mmfree::sim {

SimHarness::SimHarness(std::unique_ptr<VerilatedTop> top, const MemoryTiming& timing)
    : top_(std::move(top)), control_(top_->control_port()), interrupt_(top_->interrupt()) {
  uint64_t seed_offset = 0;
  for (auto& named : top_->memory_ports()) {
    MemoryTiming port_timing = timing;
    port_timing.stall_seed = timing.stall_seed * 1000003u + seed_offset++;
    ports_.push_back(std::make_unique<AxiMemorySlave>(named.name, named.pins, memory_, port_timing));
  }
  reset();
}

SimHarness::~SimHarness() { top_->close_trace(); }

void SimHarness::reset(unsigned cycles) {
  for (auto& port : ports_) port->reset();
  control_.reset();
  top_->set_reset_n(false);
  for (unsigned k = 0; k < cycles; ++k) tick();
  top_->set_reset_n(true);
  tick();
}

void SimHarness::finish_lite_transaction(const char* what, uint32_t offset, uint64_t max_cycles) {
  const uint64_t deadline = cycle_ + max_cycles;
  while (control_.busy()) {
    if (cycle_ >= deadline) {
      char text[160];
      std::snprintf(text, sizeof text, "sim: AXI4-Lite %s of register 0x%03x not completed within %llu cycles: ", what,
                    offset, static_cast<unsigned long long>(max_cycles));
      const std::string state = control_.describe_state();
      control_.reset();  // abandon it so that later transactions start clean
      throw DeviceError(text + state);
    }
    tick();
  }
  if (control_.response() != 0) {
    char text[128];
    std::snprintf(text, sizeof text, "sim: AXI4-Lite %s of register 0x%03x answered %s", what, offset,
                  control_.response() == 2 ? "SLVERR" : "DECERR");
    throw DeviceError(text);
  }
}

void SimHarness::write_register(uint32_t offset, uint32_t value, uint64_t max_cycles) {
  control_.begin_write(offset, value);
  finish_lite_transaction("write", offset, max_cycles);
}

uint32_t SimHarness::read_register(uint32_t offset, uint64_t max_cycles) {
  control_.begin_read(offset);
  finish_lite_transaction("read", offset, max_cycles);
  return control_.read_value();
}

int SimHarness::find_port(const std::string& name) const {
  for (std::size_t k = 0; k < ports_.size(); ++k)
    if (ports_[k]->port_name() == name) return static_cast<int>(k);
  return -1;
}

std::string SimHarness::describe_ports() const {
  std::string s;
  for (const auto& port : ports_) s += "\n  " + port->describe_state(cycle_);
  return s;
}

std::string SimHarness::protocol_error() const {
  for (const auto& port : ports_)
    if (!port->protocol_error().empty()) return port->protocol_error();
  return {};
}

}  // namespace mmfree::sim
