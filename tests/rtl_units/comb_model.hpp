// Evaluates one combinational Verilated RTL unit (no clock): set inputs, eval(), read outputs.
#pragma once

#include <memory>

#include <verilated.h>

namespace mmfree::rtl_test {

template <class Model>
class CombModel {
 public:
  CombModel() : context_(std::make_unique<VerilatedContext>()) {
    model_ = std::make_unique<Model>(context_.get(), "dut");
  }
  // Verilator 5.006 unregisters a model's scopes (which --assert builds have) from
  // Verilated::threadContextp(), not from the model's own context: point it here first, or a
  // context destroyed earlier in the process is locked and the process hangs.
  ~CombModel() {
    Verilated::threadContextp(context_.get());
    model_->final();
  }
  CombModel(const CombModel&) = delete;
  CombModel& operator=(const CombModel&) = delete;

  Model* operator->() { return model_.get(); }
  void eval() { model_->eval(); }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
};

}  // namespace mmfree::rtl_test
