#include "model/ternarize.hpp"

#include <algorithm>
#include <cmath>

#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"

namespace mmfree::model {

float ternary_beta(double sum_abs, uint64_t count) {
  const auto mean = static_cast<float>(sum_abs / static_cast<double>(count));
  return std::max(mean, 1e-5f);
}

PackedTernaryMatrix ternarize(const TensorInfo& latent, uint32_t rows, uint32_t cols) {
  PackedTernaryMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.row_stride_bytes = mmf::packed_row_stride(cols);
  std::vector<float> row(cols);

  double sum_abs = 0.0;
  for (uint32_t r = 0; r < rows; ++r) {
    latent.read(uint64_t(r) * cols, row);
    for (uint32_t c = 0; c < cols; ++c) {
      if (!std::isfinite(row[c])) {
        throw ModelError(latent.file->path().string() + ": tensor '" + latent.name +
                         "' holds a non-finite value at [" + std::to_string(r) + ", " +
                         std::to_string(c) + "]");
      }
      sum_abs += std::fabs(double(row[c]));
    }
  }
  m.beta = ternary_beta(sum_abs, uint64_t(rows) * cols);
  const float scale = 1.0f / m.beta;

  m.data.assign(std::size_t(rows) * m.row_stride_bytes, 0);
  for (uint32_t r = 0; r < rows; ++r) {
    latent.read(uint64_t(r) * cols, row);
    uint8_t* out = m.data.data() + std::size_t(r) * m.row_stride_bytes;
    for (uint32_t c = 0; c < cols; ++c) {
      out[c >> 2] |= static_cast<uint8_t>(ternary_code(ternary_value(row[c], scale)) << (2 * (c & 3)));
    }
  }
  return m;
}

}  // namespace mmfree::model
