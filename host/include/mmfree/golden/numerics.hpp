// The bit-exact integer arithmetic of docs/numerics.md: one pure function per hardware unit.
//
// The golden engine is built only from these functions, and the RTL unit testbenches call
// them on random inputs and compare bits, so this header is the executable form of the
// document. Section numbers below refer to docs/numerics.md.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace mmfree::golden {

using uint128 = unsigned __int128;  // sums of squares need 76 bits (section 3.10)

// ---- Formats (section 1) -------------------------------------------------------------
inline constexpr int kActFracBits = 16;                 // format A: int32 Q16.16
inline constexpr int kGateFracBits = 24;                // format G: Q0.24 in [0, 2^24]
inline constexpr int32_t kActMax = 2147483647;          // A saturates symmetrically to ±kActMax
inline constexpr uint32_t kGateOne = 1u << kGateFracBits;
inline constexpr int kQ8Max = 127;                      // quantized activations lie in [-127, 127]

// A per-vector scalar: value = mantissa * 2^exponent, mantissa 0 or in [2^16, 2^17).
struct ScaleFloat {
  uint32_t mantissa = 0;
  int32_t exponent = 0;
  friend bool operator==(const ScaleFloat&, const ScaleFloat&) = default;
};
inline constexpr int kScaleMantissaBits = 17;
inline constexpr ScaleFloat kSf127{130048u, -10};  // 127 exactly

// ---- Operators (section 1) -------------------------------------------------------------
// Clamp to the symmetric A range ±(2^31 - 1).
constexpr int32_t sat32(int64_t v) {
  return static_cast<int32_t>(v > kActMax ? kActMax : (v < -kActMax ? -kActMax : v));
}
// Round half up: (v + 2^(k-1)) >> k with an arithmetic (floor) shift; k >= 1.
constexpr int64_t rshr(int64_t v, int k) {
  if (k >= 63) return 0;  // every operand in the datapath is < 2^62 in magnitude
  return (v + (int64_t{1} << (k - 1))) >> k;
}
// Round half away from zero: sign(v) * ((|v| + 2^(k-1)) >> k); k >= 1.
constexpr int64_t rshr_away(int64_t v, int k) {
  return v < 0 ? -rshr(-v, k) : rshr(v, k);
}
// A x A -> A: sat32(rshr(a * b, 16)).
constexpr int32_t mul_a(int32_t a, int32_t b) {
  return sat32(rshr(int64_t{a} * int64_t{b}, kActFracBits));
}
// Index of the highest set bit, v >= 1.
int msb(uint128 v);

// ---- Parameter conversion (section 2) ----------------------------------------------------
// float32 -> int32 with frac_bits fractional bits, round half away from zero, sat32.
// Works on the float's bits (the hardware's shifter). NaN must be rejected by the caller.
int32_t to_fixed(float f, int frac_bits);
// Positive normal float32 -> ScaleFloat (24-bit mantissa rounded half up to 17 bits).
// Returns mantissa 0 for anything else (<= 0, denormal, Inf, NaN); callers reject that.
ScaleFloat to_sf(float f);

// ---- Scale-float arithmetic (section 3.1) ------------------------------------------------
ScaleFloat sf_from_uint(uint64_t v);
ScaleFloat sf_mul(ScaleFloat a, ScaleFloat b);
ScaleFloat sf_from_double(double c);  // build-time constants only (c > 0)
double sf_to_double(ScaleFloat s);    // for tests and diagnostics, never in the datapath

// ---- Table units (sections 3.2 - 3.4) ----------------------------------------------------
inline constexpr int kRsqrtSegments = 768;   // table has kRsqrtSegments + 1 entries
inline constexpr int kRecipSegments = 512;
inline constexpr int kSigmoidSegments = 1024;
const std::array<uint32_t, kRsqrtSegments + 1>& rsqrt_table();     // round(2^17 / sqrt(1 + j/256))
const std::array<uint32_t, kRecipSegments + 1>& reciprocal_table();  // round(2^17 / (1 + j/512))
const std::array<uint32_t, kSigmoidSegments + 1>& sigmoid_tail_table();  // round(2^24 / (1 + e^(j/64)))

// T^(-1/2) for a sum of squares T (T = 0 is treated as 1).
ScaleFloat rsqrt_sf(uint128 t);
// 1/a for 1 <= a < 2^31.
ScaleFloat reciprocal_sf(uint32_t a);
// sigma(z): z in A -> G. sigmoid_g(-z) == kGateOne - sigmoid_g(z) exactly.
uint32_t sigmoid_g(int32_t z);

// ---- Element-wise units (sections 3.5 - 3.9) ---------------------------------------------
// z * sigma(z): A -> A.
int32_t silu_a(int32_t z);
// 1 - f for the MLGRU forget gate: fz = f_proj output (A), lb = lower bound (G).
uint32_t forget_complement_g(int32_t fz, uint32_t lb, bool bounded);
// h' = h + (1 - f) * (c - h) with one rounding: h, c in A, cf = 1 - f in G.
int32_t mlgru_update_a(int32_t h, int32_t c, uint32_t cf);
// One activation to int8: round half away of p * c, clamped to ±127 (c = 127 / amax).
int8_t quantize_q8(int32_t p, ScaleFloat c);
// An exact ternary sum times a per-vector scale, to A (round half up, sat32).
int32_t apply_scale_a(int32_t s, ScaleFloat scale);

// ---- Vector units (sections 3.10 and 4) ---------------------------------------------------
// Exact sum of squares of A values.
uint128 sum_squares(std::span<const int32_t> a);
// max_k |a_k| (exact; A values are symmetric so this fits 31 bits).
uint32_t abs_max(std::span<const int32_t> a);
// The quantizer scalar 127 / amax (amax >= 1).
ScaleFloat quantizer_scale(uint32_t amax);
// Quantizes p into q (same length) and returns amax = max |p_k|. amax == 0 gives q = 0.
uint32_t quantize_vector(std::span<const int32_t> p, std::span<int8_t> q);

// BitLinear's own RMSNorm epsilon: the fused inference path uses 1e-6 whatever the config says.
inline constexpr float kBitLinearEps = 1e-6f;

// The constants of section 4 for vectors of length n. block_eps is the config's rms_norm_eps
// (the first norm of a double norm: attn_norm, g_norm, mlp_norm, model.norm), bitlinear_eps
// the BitLinear's own.
struct NormConstants {
  uint64_t e40 = 0;  // round(eps_bl * 2^40)
  uint64_t ne1 = 0;  // round(n * eps_bl * 2^32): the single-norm epsilon term
  uint64_t ne2 = 0;  // round((eps_block * eps_bl) * n * 2^32): the double-norm epsilon^2 term
  ScaleFloat c;      // sf_from_double(sqrt(n) * 2^16 / 127)
};
NormConstants norm_constants(uint32_t n, float block_eps, float bitlinear_eps = kBitLinearEps);

// T of a double norm RMSNorm(RMSNorm(x, a) * m, w): sum_p1_sq = sum of (x a m)^2, sum_x_sq = sum of x^2.
uint128 double_norm_t(uint128 sum_p1_sq, uint128 sum_x_sq, const NormConstants& k);
// T of a single norm RMSNorm(x, w): sum_x_sq = sum of x^2.
uint128 single_norm_t(uint128 sum_x_sq, const NormConstants& k);

// The BitLinear output scale: K * amax * T^(-1/2) with K = to_sf(beta) * C(n).
// Returns mantissa 0 when amax == 0 (the output is then all zeros).
ScaleFloat bitlinear_scale(ScaleFloat beta_times_c, uint32_t amax, uint128 t);

}  // namespace mmfree::golden
