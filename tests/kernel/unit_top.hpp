// A Verilated unit of hw/rtl/kernel/ (clock clk_i, active-low reset rst_ni) as a
// sim::VerilatedTop, so that sim's SimHarness clocks it with sim's AXI agents (memory slaves,
// AXI4-Lite host driver) on the unit's own AXI ports, exactly as it clocks the whole kernel.
//
// The unit's other ports (commands, data streams, done pulses) belong to the testbench: it sets
// them before SimHarness::tick(), and checks their handshakes in `before_edge`, which runs every
// cycle after the agents have sampled and right before the rising edge; the model is evaluated
// again after it, so inputs it changes are seen at that edge.
#pragma once

#include <verilated.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mmfree/sim/verilated_top.hpp"

namespace mmfree::kernel_test {

template <class Model>
class UnitTop final : public sim::VerilatedTop {
 public:
  explicit UnitTop(std::string name) : name_(std::move(name)), context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);  // deterministic (zero) initial values
    model_ = std::make_unique<Model>(context_.get(), "dut");
  }
  // Verilator 5.006 unregisters a model's scopes (which --assert builds have) from
  // Verilated::threadContextp(), not from the model's own context: point it here first, or a
  // context destroyed earlier in the process is locked and the process hangs.
  ~UnitTop() override {
    Verilated::threadContextp(context_.get());
    model_->final();
  }

  Model& dut() { return *model_; }

  // Evaluates the model with the clock low, so that combinational outputs follow the inputs.
  void settle() {
    model_->clk_i = 0;
    model_->eval();
  }

  void set_clock_and_eval(bool high) override {
    if (high && before_edge) {
      before_edge();
      settle();
    }
    model_->clk_i = high;
    model_->eval();
  }
  void set_reset_n(bool high) override { model_->rst_ni = high; }
  sim::AxiLitePins control_port() override { return control; }
  std::vector<sim::NamedAxiPort> memory_ports() override { return ports; }
  std::string description() const override { return name_; }

  // Bound before the SimHarness is made (it attaches its agents once, when constructed).
  sim::AxiLitePins control{};
  std::vector<sim::NamedAxiPort> ports;
  std::function<void()> before_edge;

 private:
  std::string name_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
};

}  // namespace mmfree::kernel_test
