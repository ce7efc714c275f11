// The Verilated test DMA (rtl/axi_copy_engine.sv) as a VerilatedTop for the harness.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "Vaxi_copy_engine.h"
#include "mmfree/sim/verilated_top.hpp"

namespace mmfree::sim_test {

// Register offsets of axi_copy_engine (see its header comment).
inline constexpr uint32_t kCopySrcLo = 0x10, kCopySrcHi = 0x14, kCopyDstLo = 0x18, kCopyDstHi = 0x1c;
inline constexpr uint32_t kCopyBeats = 0x20, kCopyWordSum = 0x24;
inline constexpr std::size_t kCopyBeatBytes = 64;

class CopyEngineTop final : public sim::VerilatedTop {
 public:
  CopyEngineTop() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    model_ = std::make_unique<Vaxi_copy_engine>(context_.get(), "copy_engine");
  }
  // Verilator 5.006 unregisters a model's scopes (which --assert builds have) from
  // Verilated::threadContextp(), not from the model's own context: point it here first, or a
  // context destroyed earlier in the process is locked and the process hangs.
  ~CopyEngineTop() override {
    Verilated::threadContextp(context_.get());
    model_->final();
  }

  void set_clock_and_eval(bool high) override {
    model_->ap_clk = high;
    model_->eval();
  }
  void set_reset_n(bool high) override { model_->ap_rst_n = high; }
  sim::AxiLitePins control_port() override { return MMFREE_SIM_BIND_AXI_LITE(*model_, s_axi_control_); }
  std::vector<sim::NamedAxiPort> memory_ports() override {
    return {{"m_axi_gmem", MMFREE_SIM_BIND_AXI_MASTER(*model_, m_axi_gmem_)}};
  }
  sim::SignalRef interrupt() override { return MMFREE_SIM_INTERRUPT_PIN(*model_); }
  std::string description() const override { return "axi_copy_engine"; }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vaxi_copy_engine> model_;
};

}  // namespace mmfree::sim_test
