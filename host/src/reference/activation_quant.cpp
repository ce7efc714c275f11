#include "mmfree/reference/activation_quant.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace mmfree::reference {

namespace {

// Round half away from zero, written so the compiler can vectorize it (std::round is a libm
// call): x - trunc(x) is exact in float, so the comparison with 0.5 decides ties exactly,
// unlike trunc(x + 0.5) which misrounds 0.49999997.
inline float round_half_away(float x) {
  const float whole = std::trunc(x);
  const float fraction = x - whole;
  return whole + (fraction >= 0.5f ? 1.0f : 0.0f) - (fraction <= -0.5f ? 1.0f : 0.0f);
}

inline int8_t saturate_to_int8(float rounded) {
  return static_cast<int8_t>(rounded < -128.0f ? -128.0f : (rounded > 127.0f ? 127.0f : rounded));
}

float max_magnitude(std::span<const float> y) {
  float max_abs = 0.0f;
  std::size_t k = 0;
#if defined(__AVX2__)
  // max is exact and order-free, so the vector reduction gives the scalar loop's result.
  const __m256 magnitude_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  __m256 vmax = _mm256_setzero_ps();
  for (; k + 8 <= y.size(); k += 8) vmax = _mm256_max_ps(vmax, _mm256_and_ps(_mm256_loadu_ps(&y[k]), magnitude_mask));
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, vmax);
  for (float lane : lanes) max_abs = lane > max_abs ? lane : max_abs;
#endif
  for (; k < y.size(); ++k) {
    const float magnitude = std::fabs(y[k]);
    max_abs = magnitude > max_abs ? magnitude : max_abs;
  }
  return max_abs;
}

#if defined(__AVX2__)
// round_half_away and saturate_to_int8 on 8 lanes, as int32.
inline __m256i quantize8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f), minus_half = _mm256_set1_ps(-0.5f);
  const __m256 whole = _mm256_round_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 fraction = _mm256_sub_ps(x, whole);
  const __m256 up = _mm256_and_ps(_mm256_cmp_ps(fraction, half, _CMP_GE_OQ), one);
  const __m256 down = _mm256_and_ps(_mm256_cmp_ps(fraction, minus_half, _CMP_LE_OQ), one);
  __m256 rounded = _mm256_sub_ps(_mm256_add_ps(whole, up), down);
  rounded = _mm256_min_ps(_mm256_max_ps(rounded, _mm256_set1_ps(-128.0f)), _mm256_set1_ps(127.0f));
  return _mm256_cvttps_epi32(rounded);
}
#endif

}  // namespace

int8_t quantize_to_int8(float scaled) { return saturate_to_int8(round_half_away(scaled)); }

float quantize_activations(std::span<const float> y, std::span<int8_t> q) {
  if (q.size() != y.size()) throw std::invalid_argument("quantize_activations: q and y lengths differ");
  const float scale = 127.0f / std::max(max_magnitude(y), kActivationQuantFloor);
  std::size_t k = 0;
#if defined(__AVX2__)
  // Same float operations as the scalar loop, 32 values at a time; the packs keep values
  // already within [-128, 127] unchanged and the permute undoes their lane interleaving.
  const __m256 vscale = _mm256_set1_ps(scale);
  const __m256i lane_order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (; k + 32 <= y.size(); k += 32) {
    const __m256i a = quantize8(_mm256_mul_ps(_mm256_loadu_ps(&y[k]), vscale));
    const __m256i b = quantize8(_mm256_mul_ps(_mm256_loadu_ps(&y[k + 8]), vscale));
    const __m256i c = quantize8(_mm256_mul_ps(_mm256_loadu_ps(&y[k + 16]), vscale));
    const __m256i d = quantize8(_mm256_mul_ps(_mm256_loadu_ps(&y[k + 24]), vscale));
    const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(&q[k]), _mm256_permutevar8x32_epi32(bytes, lane_order));
  }
#endif
  for (; k < y.size(); ++k) q[k] = saturate_to_int8(round_half_away(y[k] * scale));
  return scale;
}

}  // namespace mmfree::reference
