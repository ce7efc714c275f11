// Steps one Verilated model a clock cycle at a time. Every cycle is: agents drive their inputs,
// settle() lets combinational outputs follow, agents observe the handshakes that will happen at
// this edge, then tick() makes the rising edge. Works for units (clk_i) and for the Vitis top
// (ap_clk) alike, since it only holds a reference to the clock input.
#pragma once

#include <cstdint>
#include <memory>

#include <verilated.h>

namespace mmfree::kernel_test {

template <class Model>
class SimClock {
 public:
  SimClock(Model& model, uint8_t& clock) : model_(model), clock_(clock) {
    clock_ = 0;
    model_.eval();
  }

  void settle() {
    clock_ = 0;
    model_.eval();
  }

  void tick() {
    settle();
    clock_ = 1;
    model_.eval();
    ++cycle_;
  }

  uint64_t cycle() const { return cycle_; }

 private:
  Model& model_;
  uint8_t& clock_;
  uint64_t cycle_ = 0;
};

// A Verilated model in its own context, with deterministic (zero) initial values.
template <class Model>
struct VerilatedUnit {
  VerilatedUnit() : context(std::make_unique<VerilatedContext>()) {
    context->randReset(0);
    model = std::make_unique<Model>(context.get(), "dut");
  }
  ~VerilatedUnit() { model->final(); }
  Model* operator->() { return model.get(); }

  std::unique_ptr<VerilatedContext> context;
  std::unique_ptr<Model> model;
};

}  // namespace mmfree::kernel_test
