// The whole mmfree_kernel (the generated Vitis top for three weight ports, built by
// tests/kernel/CMakeLists.txt) in sim's SimHarness: sim's AXI memory slaves on gmem and every
// weight port over one SimMemory, sim's AXI4-Lite driver on s_axi_control. The host's and the
// board's view of the kernel, cycle by cycle, with blocking register helpers for tests.
#pragma once

#include <verilated.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vmmfree_kernel.h"
#include "mmfree/regmap.hpp"
#include "mmfree/sim/sim_harness.hpp"

namespace mmfree::kernel_test {

// The P = 3 kernel as a sim::VerilatedTop (sim/kernel/kernel_top.cpp binds the sim backend's
// own build the same way).
class KernelP3Top final : public sim::VerilatedTop {
 public:
  KernelP3Top() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    model_ = std::make_unique<Vmmfree_kernel>(context_.get(), "mmfree_kernel");
  }
  ~KernelP3Top() override { model_->final(); }

  void set_clock_and_eval(bool high) override {
    model_->ap_clk = high;
    model_->eval();
  }
  void set_reset_n(bool high) override { model_->ap_rst_n = high; }
  sim::AxiLitePins control_port() override { return MMFREE_SIM_BIND_AXI_LITE(*model_, s_axi_control_); }
  std::vector<sim::NamedAxiPort> memory_ports() override {
    return {{"m_axi_gmem", MMFREE_SIM_BIND_AXI_MASTER(*model_, m_axi_gmem_)},
            {"m_axi_w00", MMFREE_SIM_BIND_AXI_READ_MASTER(*model_, m_axi_w00_)},
            {"m_axi_w01", MMFREE_SIM_BIND_AXI_READ_MASTER(*model_, m_axi_w01_)},
            {"m_axi_w02", MMFREE_SIM_BIND_AXI_READ_MASTER(*model_, m_axi_w02_)}};
  }
  sim::SignalRef interrupt() override { return MMFREE_SIM_INTERRUPT_PIN(*model_); }
  std::string description() const override { return "mmfree_kernel NumWeightPorts=3 (tests/kernel)"; }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vmmfree_kernel> model_;
};

class KernelHarness {
 public:
  static constexpr unsigned kWeightPorts = 3;  // tests/kernel/CMakeLists.txt generates this top
  static constexpr unsigned kBeatBytes = 64;

  explicit KernelHarness(const sim::MemoryTiming& timing) : sim_(std::make_unique<KernelP3Top>(), timing) {
    for (std::size_t p = 0; p < sim_.port_count(); ++p) sim_.port(p).set_full_width_incr_only(true);
  }

  // One clock cycle with every memory model taking part.
  void cycle() { sim_.tick(); }

  // Starts with the arguments already written and runs until the interrupt (done) rises.
  // Returns the cycles it took; throws if it never finishes.
  uint64_t start_and_wait(uint64_t max_cycles) {
    write(regmap::gie::kOffset, regmap::gie::kEnable);
    write(regmap::ier::kOffset, regmap::ier::kDone);
    write(regmap::ctrl::kOffset, regmap::ctrl::kApStart);
    const uint64_t begin = sim_.cycle();
    while (!sim_.interrupt()) {
      if (sim_.cycle() - begin > max_cycles) throw std::runtime_error("kernel did not finish:" + sim_.describe_ports());
      sim_.tick();
    }
    const uint64_t cycles = sim_.cycle() - begin;
    write(regmap::isr::kOffset, regmap::isr::kDone);
    return cycles;
  }

  // Runs until the interrupt rises (ISR done with GIE/IER already enabled), then clears ISR.
  void wait_for_interrupt(uint64_t max_cycles) {
    const uint64_t begin = sim_.cycle();
    while (!sim_.interrupt()) {
      if (sim_.cycle() - begin > max_cycles) throw std::runtime_error("no interrupt");
      sim_.tick();
    }
    write(regmap::isr::kOffset, regmap::isr::kDone);
  }

  // Register access over AXI4-Lite (a non-OKAY response throws).
  void write(uint32_t offset, uint32_t value) { sim_.write_register(offset, value); }
  uint32_t read(uint32_t offset) { return sim_.read_register(offset); }
  uint64_t read64(uint32_t offset) {
    const uint64_t lo = read(offset);
    return lo | uint64_t(read(offset + 4)) << 32;
  }
  void write64(uint32_t offset, uint64_t value) {
    write(offset, uint32_t(value));
    write(offset + 4, uint32_t(value >> 32));
  }

  // Device memory: buffers, and typed host access to them.
  uint64_t allocate(std::size_t bytes) { return sim_.memory().allocate(bytes); }
  // The first address past the simulated memory: any access from there on answers DECERR.
  uint64_t memory_end() { return sim::SimMemory::kBaseAddress + sim_.memory().allocated_bytes(); }
  void write_bytes(uint64_t address, std::span<const uint8_t> bytes) {
    sim_.memory().write(address, std::as_bytes(bytes));
  }
  template <class T>
  T load(uint64_t address) {
    T value;
    sim_.memory().read(address, std::as_writable_bytes(std::span<T>(&value, 1)));
    return value;
  }
  template <class T>
  void store(uint64_t address, T value) {
    sim_.memory().write(address, std::as_bytes(std::span<const T>(&value, 1)));
  }

  // The first AXI protocol violation any port saw ("" when none).
  std::string protocol_error() const { return sim_.protocol_error(); }
  sim::SimHarness& sim() { return sim_; }

 private:
  sim::SimHarness sim_;
};

}  // namespace mmfree::kernel_test
