// A ternary matrix packed exactly as the .mmf image and the device memory hold it
// (model.hpp's TernaryMatrixView: 2-bit codes, rows padded to 64-byte beats), built from
// explicit weights so testbenches can choose them.
#pragma once

#include <cstdint>
#include <vector>

#include "mmfree/model.hpp"

namespace mmfree::rtl_test {

class PackedTernaryMatrix {
 public:
  static constexpr uint32_t kBeatBytes = 64;

  // weights: row-major [rows, cols], each -1, 0 or +1.
  PackedTernaryMatrix(uint32_t rows, uint32_t cols, const std::vector<int8_t>& weights)
      : rows_(rows), cols_(cols), stride_((cols + 4 * kBeatBytes - 1) / (4 * kBeatBytes) * kBeatBytes),
        bytes_(std::size_t(rows) * stride_, 0) {
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t c = 0; c < cols; ++c) {
        const int8_t w = weights[std::size_t(r) * cols + c];
        const unsigned code = w == 0 ? 0u : (w > 0 ? 1u : 3u);
        bytes_[std::size_t(r) * stride_ + c / 4] |= static_cast<uint8_t>(code << (2 * (c % 4)));
      }
  }

  TernaryMatrixView view() const { return TernaryMatrixView{rows_, cols_, stride_, 1.0f, bytes_.data()}; }
  uint32_t beats_per_row() const { return stride_ / kBeatBytes; }

 private:
  uint32_t rows_, cols_, stride_;
  std::vector<uint8_t> bytes_;
};

}  // namespace mmfree::rtl_test
