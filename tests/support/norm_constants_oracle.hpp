// An independent oracle for the norm constants of docs/numerics.md section 4 (NE1, NE2, E40,
// C), worked out from the definitions with exact integer and rational arithmetic
// (Boost.Multiprecision): no IEEE double, no table, nothing shared with golden::norm_constants
// or the RTL's mmfree_token_norm_constants, so both can be held to it.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace mmfree::test {

// Block epsilons (the config's rms_norm_eps) worth sweeping: the models' 1e-6 and 1e-5, others
// of both exponent parities, the loader's range ends (smallest normal float32, 1.0), and two
// for which the double evaluation of NE2 is not the real value rounded: at d = 2557 and
// d = 2477 the 53-bit product lands exactly on a .5 that the real value lies just below
// (found by solving m * 8796093 * d = half point - w (mod 2^(161-E)) for the float's mantissa
// m; NE2 = 1343496 and 8048299 where the real value rounds to 1343495 and 8048298).
inline constexpr uint32_t kDoubleRoundingD1 = 2557, kDoubleRoundingD2 = 2477;
inline const std::array<float, 9> kNormConstantEpsilons = {
    1e-6f, 1e-5f, 3.7e-7f, 1e-8f, std::bit_cast<float>(0x00800000u), 1.0f,
    std::bit_cast<float>(0x3dfa8a05u),  // 0.12233356: kDoubleRoundingD1
    std::bit_cast<float>(0x3f41ab0bu),  // 0.75651616: kDoubleRoundingD2
    0.0f};                              // refused by the loader; the RTL gives 0

struct ExactNormConstants {
  uint64_t e40 = 0;  // round(eps_bl * 2^40)
  uint64_t ne1 = 0;  // round(n * eps_bl * 2^32)
  // round((eps_block * eps_bl) * n * 2^32) with the product rounded as the document evaluates
  // it: in IEEE double, i.e. (eps_block * eps_bl) exact (24 x 24 bits), times n rounded to 53
  // significant bits (nearest, ties to even), then rounded half away to an integer.
  uint64_t ne2 = 0;
  // The same with no intermediate rounding: the real value round(eps_block * eps_bl * n * 2^32).
  // Differs from ne2 only where the double product lands on a rounding tie.
  uint64_t ne2_real = 0;
  // C(n) = sqrt(n) * 2^16 / 127 as m * 2^e, e = floor(log2 C) - 16, m rounded half away from the
  // exact real value (then 2^17 -> (2^16, e + 1)).
  uint32_t c_mantissa = 0;
  int c_exponent = 0;
  // |fractional part of C * 2^-e - 1/2|, as a double: how far the exact value is from a
  // rounding tie. The document evaluates C in IEEE double (relative error < 2^-51 after sqrt,
  // product and quotient): a distance above 2^-30 means the double evaluation rounds the same way.
  double c_tie_distance = 0;
};

// eps values are float32s (the image stores them so), widened exactly.
ExactNormConstants exact_norm_constants(uint32_t n, float block_eps, float bitlinear_eps = 1e-6f);

}  // namespace mmfree::test
