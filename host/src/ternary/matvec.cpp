#include "mmfree/ternary/matvec.hpp"

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace mmfree {
namespace {

void check_shapes(const TernaryMatrixView& m, std::span<const int8_t> q, uint32_t row_begin,
                  uint32_t row_end, std::size_t sums_size) {
  if (q.size() != m.cols)
    throw std::invalid_argument("ternary_matvec: activation length " + std::to_string(q.size()) +
                                " != matrix columns " + std::to_string(m.cols));
  if (row_begin > row_end || row_end > m.rows)
    throw std::invalid_argument("ternary_matvec: row range out of bounds");
  if (sums_size != row_end - row_begin)
    throw std::invalid_argument("ternary_matvec: output length " + std::to_string(sums_size) +
                                " != rows " + std::to_string(row_end - row_begin));
  if (m.row_stride_bytes * 4ull < m.cols || m.row_stride_bytes % 64 != 0)
    throw std::invalid_argument("ternary_matvec: row stride must be a multiple of 64 bytes covering all columns");
}

// Decoded weights of one packed byte: four int8 values in {-1, 0, +1}.
constexpr std::array<std::array<int8_t, 4>, 256> make_byte_table() {
  std::array<std::array<int8_t, 4>, 256> table{};
  for (unsigned b = 0; b < 256; ++b)
    for (unsigned k = 0; k < 4; ++k) {
      const unsigned code = (b >> (2 * k)) & 3u;
      table[b][k] = static_cast<int8_t>(code == 1 ? 1 : (code == 3 ? -1 : 0));
    }
  return table;
}
constexpr auto kByteTable = make_byte_table();

void rows_scalar(const TernaryMatrixView& m, const int8_t* q, uint32_t row_begin, uint32_t row_end,
                 int32_t* sums) {
  const uint32_t full_bytes = m.cols / 4;
  for (uint32_t r = row_begin; r < row_end; ++r) {
    const uint8_t* row = m.row_data(r);
    int32_t acc = 0;
    for (uint32_t b = 0; b < full_bytes; ++b) {
      const auto& w = kByteTable[row[b]];
      acc += w[0] * q[4 * b] + w[1] * q[4 * b + 1] + w[2] * q[4 * b + 2] + w[3] * q[4 * b + 3];
    }
    for (uint32_t c = full_bytes * 4; c < m.cols; ++c) acc += m.at(r, c) * q[c];
    sums[r - row_begin] = acc;
  }
}

#if defined(__AVX2__)
// 32 weights (8 packed bytes) at a time. The codes are expanded to u = w + 1 in {0, 1, 2}
// so that _mm256_maddubs_epi16 (unsigned x signed) can multiply them with q without the
// int8 overflow that _mm256_sign_epi8 has at q = -128; sum(u*q) - sum(q) is sum(w*q).
// Padding columns hold code 0 (u = 1) and a zero activation, so they add nothing.
struct Avx2Unpacker {
  __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,  //
                                    4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7);
  __m256i field = _mm256_set1_epi32(int(0xC0300C03u));  // bytes 0x03, 0x0C, 0x30, 0xC0
  __m256i plus = _mm256_set1_epi32(int(0x40100401u));   // code 01 in each field
  __m256i ones = _mm256_set1_epi8(1);

  __m256i u_from(const uint8_t* packed8) const {
    const __m256i bytes = _mm256_broadcastq_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(packed8)));
    const __m256i codes = _mm256_and_si256(_mm256_shuffle_epi8(bytes, spread), field);
    const __m256i is_plus = _mm256_cmpeq_epi8(codes, plus);
    const __m256i is_minus = _mm256_cmpeq_epi8(codes, field);
    // u = 1 + [w == +1] - [w == -1]; cmpeq yields -1 for true.
    return _mm256_add_epi8(_mm256_sub_epi8(ones, is_plus), is_minus);
  }
};

inline int32_t horizontal_sum(__m256i v) {
  const __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i t = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  return _mm_cvtsi128_si32(_mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1)));
}

void rows_avx2(const TernaryMatrixView& m, const int8_t* q_padded, int32_t q_sum, uint32_t row_begin,
               uint32_t row_end, int32_t* sums) {
  const Avx2Unpacker unpack;
  const __m256i ones16 = _mm256_set1_epi16(1);
  const uint32_t chunks = m.row_stride_bytes / 8;
  constexpr uint32_t kRowsAtOnce = 4;  // independent accumulators hide the maddubs latency
  uint32_t r = row_begin;
  for (; r + kRowsAtOnce <= row_end; r += kRowsAtOnce) {
    __m256i acc[kRowsAtOnce];
    for (auto& a : acc) a = _mm256_setzero_si256();
    for (uint32_t k = 0; k < chunks; ++k) {
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q_padded + 32 * k));
      for (uint32_t i = 0; i < kRowsAtOnce; ++i) {
        const __m256i u = unpack.u_from(m.row_data(r + i) + 8 * k);
        acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(u, q), ones16));
      }
    }
    for (uint32_t i = 0; i < kRowsAtOnce; ++i) sums[r + i - row_begin] = horizontal_sum(acc[i]) - q_sum;
  }
  for (; r < row_end; ++r) {
    __m256i acc = _mm256_setzero_si256();
    for (uint32_t k = 0; k < chunks; ++k) {
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q_padded + 32 * k));
      const __m256i u = unpack.u_from(m.row_data(r) + 8 * k);
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, q), ones16));
    }
    sums[r - row_begin] = horizontal_sum(acc) - q_sum;
  }
}
#endif

}  // namespace

void ternary_matvec_scalar(const TernaryMatrixView& m, std::span<const int8_t> q,
                           std::span<int32_t> sums) {
  check_shapes(m, q, 0, m.rows, sums.size());
  rows_scalar(m, q.data(), 0, m.rows, sums.data());
}

void ternary_matvec_rows(const TernaryMatrixView& m, std::span<const int8_t> q, uint32_t row_begin,
                         uint32_t row_end, std::span<int32_t> sums) {
  check_shapes(m, q, row_begin, row_end, sums.size());
#if defined(__AVX2__)
  // The kernel reads whole 64-byte row strides, so it needs q zero-padded to that width.
  thread_local std::vector<int8_t> q_padded;
  q_padded.assign(std::size_t(m.row_stride_bytes) * 4, 0);
  int32_t q_sum = 0;
  for (std::size_t c = 0; c < q.size(); ++c) {
    q_padded[c] = q[c];
    q_sum += q[c];
  }
  rows_avx2(m, q_padded.data(), q_sum, row_begin, row_end, sums.data());
#else
  rows_scalar(m, q.data(), row_begin, row_end, sums.data());
#endif
}

void ternary_matvec(const TernaryMatrixView& m, std::span<const int8_t> q, std::span<int32_t> sums) {
  ternary_matvec_rows(m, q, 0, m.rows, sums);
}

}  // namespace mmfree
