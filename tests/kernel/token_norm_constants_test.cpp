// mmfree_token_norm_constants (the constants the token engine derives from the descriptor:
// NE2(d), NE1(I), C(d), C(I), docs/numerics.md section 4) against an independent oracle that
// works the definitions out with exact arithmetic (tests/support/norm_constants_oracle; the
// golden function is held to the same oracle in tests/golden), for every vector length up to
// MaxIntermediate and block epsilons across the loader's range, including two whose double
// evaluation of NE2 differs from the real value (the RTL emulates the IEEE double product).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "Vmmfree_token_norm_constants.h"
#include "mmfree/contract.hpp"
#include "mmfree/golden/numerics.hpp"
#include "support/norm_constants_oracle.hpp"

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

TEST(TokenNormConstants, EqualTheExactDefinitionForEveryLengthAndEpsilon) {
  using mmfree::golden::ScaleFloat;
  using mmfree::test::exact_norm_constants;
  NormConstantsUnit unit;
  // C(n) and NE1(n) do not depend on the block epsilon: work them out once per length.
  std::vector<mmfree::test::ExactNormConstants> exact(mmfree::contract::kMaxIntermediate + 1);
  for (uint32_t n = 1; n <= mmfree::contract::kMaxIntermediate; ++n) exact[n] = exact_norm_constants(n, 1e-6f);
  for (const float eps : mmfree::test::kNormConstantEpsilons) {
    unsigned mismatches = 0;
    for (uint32_t n = 1; n <= mmfree::contract::kMaxIntermediate; ++n) {
      const uint32_t other = mmfree::contract::kMaxIntermediate + 1 - n;  // I runs the other way, so d and I differ
      const auto got = unit.run(n, other, eps);
      const uint64_t want_ne2 = exact_norm_constants(n, eps).ne2;
      const auto& want_d = exact[n];
      const auto& want_i = exact[other];
      const ScaleFloat c_d{want_d.c_mantissa, want_d.c_exponent}, c_i{want_i.c_mantissa, want_i.c_exponent};
      const bool ok = got.ne2_d == want_ne2 && got.ne1_i == want_i.ne1 && got.c_d == c_d && got.c_i == c_i;
      if (!ok && mismatches++ < 5) {
        ADD_FAILURE() << "eps " << eps << " d " << n << " I " << other << ": NE2 " << got.ne2_d << " vs " << want_ne2
                      << ", NE1 " << got.ne1_i << " vs " << want_i.ne1 << ", C(d) (" << got.c_d.mantissa << ", "
                      << got.c_d.exponent << ") vs (" << c_d.mantissa << ", " << c_d.exponent << "), C(I) ("
                      << got.c_i.mantissa << ", " << got.c_i.exponent << ") vs (" << c_i.mantissa << ", "
                      << c_i.exponent << ")";
      }
    }
    EXPECT_EQ(mismatches, 0u) << "eps " << eps;
  }
}

// Where the double product rounds onto a tie, the RTL follows the document's double
// evaluation, not the real value.
TEST(TokenNormConstants, FollowsTheDoubleProductWhereItDiffersFromTheRealValue) {
  NormConstantsUnit unit;
  EXPECT_EQ(unit.run(mmfree::test::kDoubleRoundingD1, 768, mmfree::test::kNormConstantEpsilons[6]).ne2_d, 1343496u);
  EXPECT_EQ(unit.run(mmfree::test::kDoubleRoundingD2, 768, mmfree::test::kNormConstantEpsilons[7]).ne2_d, 8048299u);
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
