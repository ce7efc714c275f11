// The exact integer ternary matrix-vector product every CPU backend shares:
//   sums[r] = sum over c of T[r][c] * q[c]
// for int8 activations q and packed ternary weights T (model.hpp's 2-bit encoding).
// This is the arithmetic the hardware's ternary accumulate array performs (add, subtract
// or skip); the result is exact, so reference, golden and RTL agree on it by construction.
#pragma once

#include <cstdint>
#include <span>

#include "mmfree/model.hpp"

namespace mmfree {

// q.size() must equal m.cols and sums.size() m.rows (checked: throws std::invalid_argument).
// Any q in [-128, 127] is exact; |sum| <= 128 * cols fits int32 for every real model size.
void ternary_matvec(const TernaryMatrixView& m, std::span<const int8_t> q, std::span<int32_t> sums);

// The same over rows [row_begin, row_end) only, writing sums[0 .. row_end - row_begin).
void ternary_matvec_rows(const TernaryMatrixView& m, std::span<const int8_t> q, uint32_t row_begin,
                         uint32_t row_end, std::span<int32_t> sums);

// Portable scalar version: the specification the fast path is tested against.
void ternary_matvec_scalar(const TernaryMatrixView& m, std::span<const int8_t> q,
                           std::span<int32_t> sums);

}  // namespace mmfree
