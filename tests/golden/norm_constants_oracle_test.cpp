// golden::norm_constants (docs/numerics.md section 4: E40, NE1, NE2, C) against an independent
// oracle that works the definitions out with exact arithmetic (tests/support/
// norm_constants_oracle), for every vector length up to MaxIntermediate (every d and I the
// loader and the kernel accept) and block epsilons across the loader's range. The table in
// numerics.md was printed by the golden function; this is what holds it to the definition.
#include <gtest/gtest.h>

#include <cstdint>

#include "mmfree/contract.hpp"
#include "mmfree/golden/numerics.hpp"
#include "support/norm_constants_oracle.hpp"

namespace {

using mmfree::golden::norm_constants;
using mmfree::golden::ScaleFloat;
using mmfree::test::exact_norm_constants;

TEST(NormConstantsOracle, GoldenEqualsTheExactDefinitionForEveryLengthAndEpsilon) {
  for (const float eps : mmfree::test::kNormConstantEpsilons) {
    unsigned mismatches = 0;
    for (uint32_t n = 1; n <= mmfree::contract::kMaxIntermediate; ++n) {
      const auto want = exact_norm_constants(n, eps);
      const auto got = norm_constants(n, eps);
      const bool ok = got.e40 == want.e40 && got.ne1 == want.ne1 && got.ne2 == want.ne2 &&
                      got.c == (ScaleFloat{want.c_mantissa, want.c_exponent});
      if (!ok && mismatches++ < 5)
        ADD_FAILURE() << "eps " << eps << " n " << n << ": E40 " << got.e40 << " vs " << want.e40 << ", NE1 "
                      << got.ne1 << " vs " << want.ne1 << ", NE2 " << got.ne2 << " vs " << want.ne2 << ", C ("
                      << got.c.mantissa << ", " << got.c.exponent << ") vs (" << want.c_mantissa << ", "
                      << want.c_exponent << ")";
    }
    EXPECT_EQ(mismatches, 0u) << "eps " << eps;
  }
}

TEST(NormConstantsOracle, OtherBitLinearEpsilonsToo) {
  for (const float eps_bl : {1e-5f, 3e-7f, 1.0f}) {
    for (uint32_t n : {1u, 255u, 256u, 1023u, 1024u, 2557u, 2560u, 4095u, 6911u, 6912u}) {
      const auto want = exact_norm_constants(n, 1e-6f, eps_bl);
      const auto got = norm_constants(n, 1e-6f, eps_bl);
      EXPECT_EQ(got.e40, want.e40) << "eps_bl " << eps_bl << " n " << n;
      EXPECT_EQ(got.ne1, want.ne1) << "eps_bl " << eps_bl << " n " << n;
      EXPECT_EQ(got.ne2, want.ne2) << "eps_bl " << eps_bl << " n " << n;
    }
  }
}

// The document evaluates C in IEEE double and NE2 as a double product; both are only
// reproducible if the exact values stay clear of rounding ties. C does, for every length;
// NE2 does for the models' epsilons, and the two planted epsilons show where it does not.
TEST(NormConstantsOracle, DoubleEvaluationIsTheExactValueExceptOnPlantedTies) {
  double closest = 1.0;
  for (uint32_t n = 1; n <= mmfree::contract::kMaxIntermediate; ++n)
    closest = std::min(closest, exact_norm_constants(n, 1e-6f).c_tie_distance);
  EXPECT_GT(closest, 0x1p-30) << "some C(n) lies within the double's error of a rounding tie";

  for (const float eps : {1e-6f, 1e-5f})
    for (uint32_t n = 1; n <= mmfree::contract::kMaxIntermediate; ++n) {
      const auto k = exact_norm_constants(n, eps);
      ASSERT_EQ(k.ne2, k.ne2_real) << "eps " << eps << " n " << n;
    }
  const auto d1 = exact_norm_constants(mmfree::test::kDoubleRoundingD1, mmfree::test::kNormConstantEpsilons[6]);
  EXPECT_EQ(d1.ne2_real, 1343495u);
  EXPECT_EQ(d1.ne2, 1343496u);
  const auto d2 = exact_norm_constants(mmfree::test::kDoubleRoundingD2, mmfree::test::kNormConstantEpsilons[7]);
  EXPECT_EQ(d2.ne2_real, 8048298u);
  EXPECT_EQ(d2.ne2, 8048299u);
}

// The hand-checkable anchors: NE1(1024) = 4398046.5 exactly (ties away), E40 = 1099511.625.
TEST(NormConstantsOracle, OracleAnchors) {
  const auto k = exact_norm_constants(1024, 1e-6f);
  EXPECT_EQ(k.ne1, 4398047u);
  EXPECT_EQ(k.e40, 1099512u);
  // C(1) = 2^16 / 127 = 516.03...: e = 9 - 16, m = round(516.03 * 128) = 66052.
  const auto one = exact_norm_constants(1, 1e-6f);
  EXPECT_EQ(one.c_mantissa, 66052u);
  EXPECT_EQ(one.c_exponent, -7);
}

}  // namespace
