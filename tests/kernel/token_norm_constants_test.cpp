// mmfree_token_norm_constants (the constants the token engine derives from the descriptor:
// NE2(d), NE1(I), C(d), C(I), docs/numerics.md section 4) against golden::norm_constants, for
// every vector length up to the largest MaxIntermediate (6912) and several block epsilons,
// including ones whose double evaluation rounds (the RTL emulates the IEEE double product).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "Vmmfree_token_norm_constants.h"
#include "mmfree/contract.hpp"
#include "mmfree/golden/numerics.hpp"

namespace {

uint32_t float_bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// The exponent travels as a signed 10-bit value.
int32_t sign_extend10(uint32_t v) { return static_cast<int32_t>(v << 22) >> 22; }

class NormConstantsUnit {
 public:
  // Its own context: the default one is whichever context this thread last used, which may
  // be a sim kernel's that an earlier test has destroyed (Verilator then stops with a fatal
  // error while holding its lock, and the test hangs).
  NormConstantsUnit()
      : context_(std::make_unique<VerilatedContext>()),
        top_(std::make_unique<Vmmfree_token_norm_constants>(context_.get(), "norm_constants")) {
    top_->rst_ni = 0;
    top_->clk_i = 0;
    top_->start_i = 0;
    top_->eval();
    top_->rst_ni = 1;
    top_->eval();
  }

  struct Result {
    uint64_t ne2_d, ne1_i;
    mmfree::golden::ScaleFloat c_d, c_i;
  };

  Result run(uint32_t d, uint32_t inter, float eps) {
    top_->hidden_i = d;
    top_->inter_i = inter;
    top_->eps_i = float_bits(eps);
    top_->start_i = 1;
    tick();
    top_->start_i = 0;
    top_->eval();   // ready_o looks at start_i
    // Pipelined: 112 cycles after a start with new inputs, 1 after one with the last inputs.
    cycles_ = 0;
    for (; cycles_ < 200 && !top_->ready_o; ++cycles_) tick();
    EXPECT_TRUE(top_->ready_o) << "the unit did not finish within 200 cycles";
    return {top_->ne2_d_o, top_->ne1_i_o, {top_->c_d_man_o, sign_extend10(top_->c_d_exp_o)},
            {top_->c_i_man_o, sign_extend10(top_->c_i_exp_o)}};
  }

 private:
  void tick() {
    top_->clk_i = 1;
    top_->eval();
    top_->clk_i = 0;
    top_->eval();
  }
  std::unique_ptr<VerilatedContext> context_;  // outlives top_ (declared first)
  std::unique_ptr<Vmmfree_token_norm_constants> top_;

 public:
  int cycles_ = 0;   // of the last run, after its start cycle
};

TEST(TokenNormConstants, EqualGoldenForEveryLengthAndSeveralEpsilons) {
  NormConstantsUnit unit;
  for (const float eps : {1e-6f, 1e-5f, 3.7e-7f, 1e-8f, 0.0f}) {
    unsigned mismatches = 0;
    for (uint32_t n = 1; n <= mmfree::contract::kMaxIntermediate; ++n) {
      const uint32_t other = mmfree::contract::kMaxIntermediate + 1 - n;  // I runs the other way, so d and I differ
      const auto got = unit.run(n, other, eps);
      const auto want_d = mmfree::golden::norm_constants(n, eps);
      const auto want_i = mmfree::golden::norm_constants(other, eps);
      const bool ok = got.ne2_d == want_d.ne2 && got.ne1_i == want_i.ne1 && got.c_d == want_d.c && got.c_i == want_i.c;
      if (!ok && mismatches++ < 5) {
        ADD_FAILURE() << "eps " << eps << " d " << n << " I " << other << ": NE2 " << got.ne2_d << " vs " << want_d.ne2
                      << ", NE1 " << got.ne1_i << " vs " << want_i.ne1 << ", C(d) (" << got.c_d.mantissa << ", "
                      << got.c_d.exponent << ") vs (" << want_d.c.mantissa << ", " << want_d.c.exponent << "), C(I) ("
                      << got.c_i.mantissa << ", " << got.c_i.exponent << ") vs (" << want_i.c.mantissa << ", "
                      << want_i.c.exponent << ")";
      }
    }
    EXPECT_EQ(mismatches, 0u) << "eps " << eps;
  }
}

// The constants are kept: a command of the same model (same d, I, eps) finds them ready the
// next cycle, with the same values; any other input starts the search again.
TEST(TokenNormConstants, KeepsTheConstantsOfTheSameInputs) {
  NormConstantsUnit unit;
  const auto first = unit.run(2560, 6912, 1e-6f);
  EXPECT_GT(unit.cycles_, 1);
  const auto again = unit.run(2560, 6912, 1e-6f);
  EXPECT_EQ(unit.cycles_, 0) << "ready in the cycle after the start";
  EXPECT_EQ(again.ne2_d, first.ne2_d);
  EXPECT_EQ(again.ne1_i, first.ne1_i);
  EXPECT_EQ(again.c_d, first.c_d);
  EXPECT_EQ(again.c_i, first.c_i);
  const auto other_eps = unit.run(2560, 6912, 1e-5f);
  EXPECT_GT(unit.cycles_, 1);
  EXPECT_EQ(other_eps.ne2_d, mmfree::golden::norm_constants(2560, 1e-5f).ne2);
  const auto back = unit.run(2560, 6912, 1e-6f);
  EXPECT_GT(unit.cycles_, 1);
  EXPECT_EQ(back.ne2_d, first.ne2_d);
}

TEST(TokenNormConstants, DemoAndReleasedWidthsMatchTheTableOfNumericsMd) {
  NormConstantsUnit unit;
  const auto got = unit.run(256, 768, 1e-6f);
  EXPECT_EQ(got.ne2_d, 1u);
  EXPECT_EQ(got.ne1_i, 3298535u);
  EXPECT_EQ(got.c_d, (mmfree::golden::ScaleFloat{66052, -3}));
  EXPECT_EQ(got.c_i, (mmfree::golden::ScaleFloat{114405, -3}));
  const auto big = unit.run(2560, 6912, 1e-6f);
  EXPECT_EQ(big.ne2_d, 11u);
  EXPECT_EQ(big.ne1_i, 29686814u);
  EXPECT_EQ(big.c_d, (mmfree::golden::ScaleFloat{104437, -2}));
  EXPECT_EQ(big.c_i, (mmfree::golden::ScaleFloat{85804, -1}));
}

}  // namespace
