#include "support/norm_constants_oracle.hpp"

#include <bit>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <stdexcept>

namespace mmfree::test {
namespace {

namespace mp = boost::multiprecision;
using Int = mp::cpp_int;
using Rational = mp::cpp_rational;

// A float32 as the exact rational its bits denote (docs/numerics.md section 2: mag * 2^x).
Rational exact_value(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  if (bits >> 31) throw std::invalid_argument("norm constants of a negative epsilon");
  const uint32_t biased = (bits >> 23) & 0xFF, fraction = bits & 0x7FFFFF;
  if (biased == 0xFF) throw std::invalid_argument("norm constants of an infinite or NaN epsilon");
  const Int mag = biased == 0 ? Int(fraction) : Int(fraction | (1u << 23));
  const int x = biased == 0 ? -149 : int(biased) - 150;
  return x >= 0 ? Rational(mag << x) : Rational(mag, Int(1) << -x);
}

Rational power_of_two(int k) { return k >= 0 ? Rational(Int(1) << k) : Rational(Int(1), Int(1) << -k); }

// floor(v + 1/2) for v >= 0: round half away from zero.
uint64_t round_half_away(const Rational& v) {
  const Rational shifted = v + Rational(1, 2);
  return static_cast<uint64_t>(Int(mp::numerator(shifted) / mp::denominator(shifted)));
}

// v rounded to a binary floating-point number of 53 significant bits, nearest, ties to even
// (IEEE double's multiplication, whose exponent range every value here is well inside).
Rational round_to_double(const Rational& v) {
  if (v == 0) return v;
  // v = num / 2^k (every value here is dyadic); scale so that the integer part has >= 54 bits.
  const Int num = mp::numerator(v), den = mp::denominator(v);
  if ((den & (den - 1)) != 0) throw std::logic_error("round_to_double: not a dyadic rational");
  const unsigned bits = static_cast<unsigned>(mp::msb(num)) + 1;
  if (bits <= 53) return v;
  const unsigned drop = bits - 53;
  Int kept = num >> drop;
  const Int rest = num - (kept << drop), half = Int(1) << (drop - 1);
  if (rest > half || (rest == half && (kept & 1) != 0)) ++kept;
  return Rational(kept << drop, den);
}

}  // namespace

ExactNormConstants exact_norm_constants(uint32_t n, float block_eps, float bitlinear_eps) {
  if (n == 0) throw std::invalid_argument("norm constants of an empty vector");
  const Rational e_block = exact_value(block_eps), e_bl = exact_value(bitlinear_eps);
  ExactNormConstants k;
  k.e40 = round_half_away(e_bl * power_of_two(40));
  k.ne1 = round_half_away(Rational(n) * e_bl * power_of_two(32));
  k.ne2 = round_half_away(round_to_double(e_block * e_bl * Rational(n)) * power_of_two(32));
  k.ne2_real = round_half_away(e_block * e_bl * Rational(n) * power_of_two(32));

  // C = sqrt(n) * 2^16 / 127. Its integer part is isqrt(n * 2^32) / 127 (floor of a floor), at
  // least 516, so floor(log2 C) is that integer's top bit.
  const Int n_int(n);
  const Int c_floor = mp::sqrt(Int(n_int << 32)) / 127;
  const int e = static_cast<int>(mp::msb(c_floor)) - 16;
  // m = floor(C * 2^-e + 1/2) = floor((sqrt(4 n 2^(32-2e)) + 127) / 254) (e < 16 here), and for an
  // integer divisor the floor may be taken of the square root first.
  if (e >= 16) throw std::logic_error("C(n) with e >= 16: n is beyond this oracle's range");
  const Int radicand = Int(4) * n_int << (32 - 2 * e);
  const Int m = (mp::sqrt(radicand) + 127) / 254;
  const bool carried = m == (Int(1) << 17);  // sf_norm
  k.c_mantissa = carried ? 1u << 16 : static_cast<uint32_t>(m);
  k.c_exponent = carried ? e + 1 : e;

  using Float = mp::number<mp::cpp_bin_float<256, mp::digit_base_2>>;
  const Float scaled = mp::sqrt(Float(n)) * 65536 / 127 * mp::pow(Float(2), -e);
  k.c_tie_distance = static_cast<double>(mp::abs(scaled - mp::floor(scaled) - Float(0.5)));
  return k;
}

}  // namespace mmfree::test
