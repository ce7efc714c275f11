// The units of docs/numerics.md. Every function mirrors one paragraph of the document; the
// comments name the section so a reader can check one against the other.
#include "mmfree/golden/numerics.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>

namespace mmfree::golden {
namespace {

// sf_norm (section 1): rounding a 17-bit mantissa can carry into 2^17; fold it back.
ScaleFloat sf_norm(uint64_t m, int32_t e) {
  if (m == (uint64_t{1} << kScaleMantissaBits)) return {uint32_t{1} << (kScaleMantissaBits - 1), e + 1};
  return {static_cast<uint32_t>(m), e};
}

// Linear interpolation between two table entries with a `frac_bits`-bit fraction, round half up.
uint32_t interpolate(uint32_t lo, uint32_t hi, uint64_t frac, int frac_bits) {
  const int64_t diff = int64_t{hi} - int64_t{lo};
  const int64_t step = (diff * static_cast<int64_t>(frac) + (int64_t{1} << (frac_bits - 1))) >> frac_bits;
  return static_cast<uint32_t>(int64_t{lo} + step);
}

// Half-away rounding of a non-negative double to an integer: the table formulas' round().
uint32_t round_table_entry(double v) { return static_cast<uint32_t>(std::round(v)); }

}  // namespace

int msb(uint128 v) {
  const uint64_t hi = static_cast<uint64_t>(v >> 64);
  if (hi != 0) return 127 - std::countl_zero(hi);
  return 63 - std::countl_zero(static_cast<uint64_t>(v));
}

// ---- Section 2 -------------------------------------------------------------------------

int32_t to_fixed(float f, int frac_bits) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const bool negative = (bits >> 31) != 0;
  const int biased_exponent = static_cast<int>((bits >> 23) & 0xFFu);
  const uint32_t fraction = bits & 0x7FFFFFu;
  int64_t magnitude;
  if (biased_exponent == 0xFF) {
    if (fraction != 0) return 0;  // NaN: rejected at load, never reaches the datapath
    magnitude = kActMax;          // +-Inf saturates
  } else {
    const int64_t mantissa = biased_exponent == 0 ? fraction : (fraction | 0x800000u);
    const int exponent = biased_exponent == 0 ? -149 : biased_exponent - 150;
    const int shift = exponent + frac_bits;
    if (mantissa == 0) {
      magnitude = 0;
    } else if (shift >= 0) {
      // mantissa < 2^24, so any shift past 7 already exceeds the A range.
      magnitude = shift >= 8 ? kActMax : std::min<int64_t>(mantissa << shift, kActMax);
    } else {
      magnitude = std::min<int64_t>(rshr(mantissa, -shift), kActMax);
    }
  }
  return static_cast<int32_t>(negative ? -magnitude : magnitude);
}

ScaleFloat to_sf(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const int biased_exponent = static_cast<int>((bits >> 23) & 0xFFu);
  if ((bits >> 31) != 0 || biased_exponent == 0 || biased_exponent == 0xFF) return {};
  const uint64_t mantissa = (bits & 0x7FFFFFu) | 0x800000u;
  return sf_norm((mantissa + (1u << 6)) >> 7, biased_exponent - 150 + 7);
}

// ---- Section 3.1 -----------------------------------------------------------------------

ScaleFloat sf_from_uint(uint64_t v) {
  if (v == 0) return {};
  const int b = msb(v);
  if (b <= 16) return {static_cast<uint32_t>(v << (16 - b)), b - 16};
  const int k = b - 16;
  const uint128 rounded = (uint128{v} + (uint128{1} << (k - 1))) >> k;
  return sf_norm(static_cast<uint64_t>(rounded), k);
}

ScaleFloat sf_mul(ScaleFloat a, ScaleFloat b) {
  if (a.mantissa == 0 || b.mantissa == 0) return {};
  const uint64_t product = uint64_t{a.mantissa} * b.mantissa;  // in [2^32, 2^34)
  const int k = product >= (uint64_t{1} << 33) ? 17 : 16;
  return sf_norm((product + (uint64_t{1} << (k - 1))) >> k, a.exponent + b.exponent + k);
}

ScaleFloat sf_from_double(double c) {
  if (!(c > 0.0) || !std::isfinite(c)) return {};
  int binary_exponent = 0;
  std::frexp(c, &binary_exponent);  // c = f * 2^binary_exponent, f in [0.5, 1)
  const int e = binary_exponent - 1 - 16;
  return sf_norm(static_cast<uint64_t>(std::round(std::ldexp(c, -e))), e);
}

double sf_to_double(ScaleFloat s) { return std::ldexp(static_cast<double>(s.mantissa), s.exponent); }

// ---- Sections 3.2 - 3.4: tables ------------------------------------------------------------

const std::array<uint32_t, kRsqrtSegments + 1>& rsqrt_table() {
  static const auto table = [] {
    std::array<uint32_t, kRsqrtSegments + 1> t{};
    for (int j = 0; j <= kRsqrtSegments; ++j) t[j] = round_table_entry(131072.0 / std::sqrt(1.0 + j / 256.0));
    return t;
  }();
  return table;
}

const std::array<uint32_t, kRecipSegments + 1>& reciprocal_table() {
  static const auto table = [] {
    std::array<uint32_t, kRecipSegments + 1> t{};
    for (int j = 0; j <= kRecipSegments; ++j) t[j] = round_table_entry(131072.0 / (1.0 + j / 512.0));
    return t;
  }();
  return table;
}

const std::array<uint32_t, kSigmoidSegments + 1>& sigmoid_tail_table() {
  static const auto table = [] {
    std::array<uint32_t, kSigmoidSegments + 1> t{};
    for (int j = 0; j <= kSigmoidSegments; ++j) t[j] = round_table_entry(16777216.0 / (1.0 + std::exp(j / 64.0)));
    return t;
  }();
  return table;
}

ScaleFloat rsqrt_sf(uint128 t) {
  if (t == 0) t = 1;
  const int b = msb(t);
  const int excess = b - 24;
  const int shift = excess - (excess & 1);  // even, so the exponent halves exactly
  const uint64_t u = static_cast<uint64_t>(shift >= 0 ? (t >> shift) : (t << -shift));  // [2^24, 2^26)
  const auto& table = rsqrt_table();
  const uint64_t i = (u >> 16) - 256;
  const uint32_t y = interpolate(table[i], table[i + 1], u & 0xFFFFu, 16);
  return sf_norm(y, -17 - (shift + 24) / 2);
}

ScaleFloat reciprocal_sf(uint32_t a) {
  if (a == 0) return {};
  const int b = msb(a);
  const uint32_t u = a << (31 - b);  // [2^31, 2^32)
  const auto& table = reciprocal_table();
  const uint32_t i = (u >> 22) - 512;
  const uint32_t y = interpolate(table[i], table[i + 1], u & 0x3FFFFFu, 22);
  return sf_norm(y, -17 - b);
}

uint32_t sigmoid_g(int32_t z) {
  const int64_t a = std::abs(int64_t{z});
  const auto& table = sigmoid_tail_table();
  uint32_t tail;
  if (a >= (int64_t{1} << 20)) {
    tail = table[kSigmoidSegments];  // x >= 16: the table's last point, held
  } else {
    const auto i = static_cast<std::size_t>(a >> 10);
    tail = interpolate(table[i], table[i + 1], static_cast<uint64_t>(a & 0x3FF), 10);
  }
  return z >= 0 ? kGateOne - tail : tail;
}

// ---- Sections 3.5 - 3.9 ------------------------------------------------------------------

int32_t silu_a(int32_t z) { return sat32(rshr(int64_t{z} * sigmoid_g(z), kGateFracBits)); }

uint32_t forget_complement_g(int32_t fz, uint32_t lb, bool bounded) {
  const uint32_t complement = sigmoid_g(-fz);  // -fz is safe: A is symmetric
  if (!bounded) return complement;
  const int64_t keep = int64_t{kGateOne} - std::min(lb, kGateOne);
  return static_cast<uint32_t>(rshr(keep * complement, kGateFracBits));
}

int32_t mlgru_update_a(int32_t h, int32_t c, uint32_t cf) {
  const int64_t delta = int64_t{c} - int64_t{h};  // 33 bits
  return sat32(int64_t{h} + rshr(int64_t{cf} * delta, kGateFracBits));
}

int8_t quantize_q8(int32_t p, ScaleFloat c) {
  const int k = -c.exponent;  // >= 10 for c = 127 / amax, amax >= 1
  const int64_t magnitude = std::abs(int64_t{p});
  const int64_t level = std::min<int64_t>(rshr(magnitude * c.mantissa, k), kQ8Max);
  return static_cast<int8_t>(p < 0 ? -level : level);
}

int32_t apply_scale_a(int32_t s, ScaleFloat scale) {
  if (scale.mantissa == 0 || s == 0) return 0;
  const int64_t product = int64_t{s} * scale.mantissa;  // < 2^38 in magnitude
  if (scale.exponent < 0) return sat32(rshr(product, -scale.exponent));
  if (scale.exponent >= 25) return product > 0 ? kActMax : -kActMax;
  return sat32(product << scale.exponent);
}

// ---- Section 3.10 and 4 --------------------------------------------------------------------

uint128 sum_squares(std::span<const int32_t> a) {
  uint128 total = 0;
  for (int32_t v : a) total += static_cast<uint64_t>(int64_t{v} * int64_t{v});
  return total;
}

uint32_t abs_max(std::span<const int32_t> a) {
  uint32_t m = 0;
  for (int32_t v : a) m = std::max(m, static_cast<uint32_t>(std::abs(int64_t{v})));
  return m;
}

ScaleFloat quantizer_scale(uint32_t amax) { return sf_mul(reciprocal_sf(amax), kSf127); }

uint32_t quantize_vector(std::span<const int32_t> p, std::span<int8_t> q) {
  const uint32_t amax = abs_max(p);
  if (amax == 0) {
    std::fill(q.begin(), q.end(), int8_t{0});
    return 0;
  }
  const ScaleFloat c = quantizer_scale(amax);
  for (std::size_t k = 0; k < p.size(); ++k) q[k] = quantize_q8(p[k], c);
  return amax;
}

NormConstants norm_constants(uint32_t n, float block_eps, float bitlinear_eps) {
  const double e_block = static_cast<double>(block_eps);
  const double e_bl = static_cast<double>(bitlinear_eps);
  NormConstants k;
  k.e40 = static_cast<uint64_t>(std::round(std::ldexp(e_bl, 40)));
  k.ne1 = static_cast<uint64_t>(std::round(std::ldexp(static_cast<double>(n) * e_bl, 32)));
  k.ne2 = static_cast<uint64_t>(std::round(std::ldexp((e_block * e_bl) * static_cast<double>(n), 32)));
  k.c = sf_from_double(std::sqrt(static_cast<double>(n)) * 65536.0 / 127.0);
  return k;
}

uint128 double_norm_t(uint128 sum_p1_sq, uint128 sum_x_sq, const NormConstants& k) {
  const uint128 eps_term = (sum_x_sq * k.e40 + (uint128{1} << 39)) >> 40;
  return sum_p1_sq + eps_term + k.ne2;
}

uint128 single_norm_t(uint128 sum_x_sq, const NormConstants& k) { return sum_x_sq + k.ne1; }

ScaleFloat bitlinear_scale(ScaleFloat beta_times_c, uint32_t amax, uint128 t) {
  if (amax == 0) return {};
  return sf_mul(sf_mul(beta_times_c, sf_from_uint(amax)), rsqrt_sf(t));
}

}  // namespace mmfree::golden
