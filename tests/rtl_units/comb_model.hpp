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
  ~CombModel() { model_->final(); }
  CombModel(const CombModel&) = delete;
  CombModel& operator=(const CombModel&) = delete;

  Model* operator->() { return model_.get(); }
  void eval() { model_->eval(); }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
};

}  // namespace mmfree::rtl_test
