// A Verilated part of the token engine (clock clk_i, active-low reset rst_ni) driven cycle by
// cycle from a test: the test sets inputs, settle() evaluates the combinational outputs, and
// tick() takes the rising edge. Each part is Verilated with --assert: a failing SVA property
// prints its name and counts as an error of the part's own context (the error limit is raised
// so that the simulation goes on and the test reports it: assertion_failures()).
#pragma once

#include <verilated.h>

#include <cstdint>
#include <memory>
#include <random>

namespace mmfree::kernel_parts_test {

template <class Model>
class PartTop {
 public:
  PartTop() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(2);  // random initial values: reset must set every register it needs
    context_->randSeed(7);
    context_->assertOn(true);
    context_->errorLimit(1 << 30);
    model_ = std::make_unique<Model>(context_.get(), "part");
    model_->clk_i = 0;
    model_->rst_ni = 0;
    model_->eval();
    for (int i = 0; i < 2; ++i) tick();
    model_->rst_ni = 1;
    model_->eval();
  }
  ~PartTop() { model_->final(); }

  Model& dut() { return *model_; }
  Model* operator->() { return model_.get(); }

  void settle() { model_->eval(); }
  void tick() {
    model_->clk_i = 1;
    model_->eval();
    context_->timeInc(1);
    model_->clk_i = 0;
    model_->eval();
    context_->timeInc(1);
    ++cycles_;
  }
  uint64_t cycles() const { return cycles_; }
  uint64_t assertion_failures() const { return context_->errorCount(); }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  uint64_t cycles_ = 0;
};

// True with probability p (a random stall or an idle cycle).
inline bool chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

}  // namespace mmfree::kernel_parts_test
