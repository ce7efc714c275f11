// BitLinear in the integer arithmetic of docs/numerics.md section 4: the quantizer input p
// (already multiplied by every norm weight: the scale-invariance fold), the norm's T and the
// matrix's constant K give the output in format A.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "mmfree/golden/numerics.hpp"
#include "mmfree/model.hpp"

namespace mmfree::golden {

// K = to_sf(beta) * C(cols) of one ternary matrix.
ScaleFloat matrix_constant(const TernaryMatrixView& m, const NormConstants& k);

// Reusable q / sums buffers, so that a decode step does not allocate.
class FixedBitLinear {
 public:
  // p has m.cols entries, out m.rows. Throws std::invalid_argument on a shape mismatch.
  void apply(std::span<const int32_t> p, uint128 t, ScaleFloat k, const TernaryMatrixView& m,
             std::span<int32_t> out);

  // The exact ternary sums of one matrix for int8 activations `q`, one per entry of `sums`.
  using MatrixSums = std::function<void(std::span<const int8_t> q, std::span<int32_t> sums)>;
  // The same BitLinear with the sums from elsewhere (the kernel model's port streams); `out`
  // has one entry per matrix row.
  void apply(std::span<const int32_t> p, uint128 t, ScaleFloat k, const MatrixSums& matrix_sums,
             std::span<int32_t> out);

 private:
  std::vector<int8_t> q_;
  std::vector<int32_t> sums_;
};

}  // namespace mmfree::golden
