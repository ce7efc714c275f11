// Drives one Verilated RTL unit cycle by cycle: the testbenches set inputs, call settle() to
// let combinational outputs (ready/valid) follow, sample the handshake, then call tick() for
// the rising clock edge. Every unit uses clk_i and an active-low asynchronous rst_ni.
#pragma once

#include <memory>

#include <verilated.h>

namespace mmfree::rtl_test {

template <class Model>
class ClockedModel {
 public:
  ClockedModel() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    model_ = std::make_unique<Model>(context_.get(), "dut");
    model_->clk_i = 0;
    model_->rst_ni = 0;
    model_->eval();
  }
  // Verilator 5.006 unregisters a model's scopes (which --assert builds have) from
  // Verilated::threadContextp(), not from the model's own context: point it here first, or a
  // context destroyed earlier in the process is locked and the process hangs.
  ~ClockedModel() {
    Verilated::threadContextp(context_.get());
    model_->final();
  }
  ClockedModel(const ClockedModel&) = delete;
  ClockedModel& operator=(const ClockedModel&) = delete;

  Model* operator->() { return model_.get(); }
  Model& dut() { return *model_; }
  // The model's own context: where a failed RTL assertion is recorded (gotError) and whether it
  // ends the process (fatalOnError, the default).
  VerilatedContext& context() { return *context_; }

  // Holds reset for a few edges with the inputs as the caller left them, then releases it.
  void reset(int cycles = 2) {
    model_->rst_ni = 0;
    for (int i = 0; i < cycles; ++i) tick();
    model_->rst_ni = 1;
    settle();
  }

  // Lets combinational logic follow the inputs just set, with the clock low.
  void settle() {
    model_->clk_i = 0;
    model_->eval();
  }

  // One rising edge, after which registered outputs show the new state.
  void tick() {
    settle();
    model_->clk_i = 1;
    model_->eval();
    ++cycles_;
  }

  long cycles() const { return cycles_; }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  long cycles_ = 0;
};

}  // namespace mmfree::rtl_test
