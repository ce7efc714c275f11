// The device memory layout of docs/device.md, in one place for both sides of the bus: the
// runtime that fills the buffers and the golden kernel model that reads them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/mmf_format.hpp"

namespace mmfree::device {

// One matrix of the weight stream: layers 0..L-1 (I, F, G, O, Gate, Down), then lm_head.
struct StreamMatrix {
  uint32_t layer;  // mmf::kNoLayer for lm_head
  uint32_t index;  // Projection, or mmf::kLmHeadIndex
  uint32_t rows;
  uint32_t cols;
  uint32_t row_stride;  // bytes
};

std::vector<StreamMatrix> stream_order(const mmf::DeviceDescriptor& descriptor);

// Rows r of a `rows`-row matrix with r mod ports == port.
constexpr uint32_t rows_on_port(uint32_t rows, unsigned ports, unsigned port) {
  return (rows + ports - 1 - port) / ports;
}

// Bytes of weight port `port`'s buffer: its rows of every matrix, back to back.
uint64_t port_stream_bytes(const std::vector<StreamMatrix>& order, unsigned ports, unsigned port);

// The register map's names for weight port p: its buffer argument "wNN" and its byte
// counter "wNN_bytes" (name_format "w{port:02d}" in hw/regmap/mmfree_regs.toml).
inline std::string weight_port_argument(unsigned port) {
  return std::string{'w', static_cast<char>('0' + port / 10 % 10), static_cast<char>('0' + port % 10)};
}
inline std::string weight_port_counter(unsigned port) { return weight_port_argument(port) + "_bytes"; }

// One MLGRU state slot: L * d 32-bit words, rounded up to a page.
constexpr uint64_t state_slot_bytes(uint32_t layers, uint32_t hidden) {
  return mmf::round_up(uint64_t(layers) * hidden * 4, 4096);
}

// The io buffer of a command of `tokens` tokens over a vocabulary of `vocab` entries.
struct IoLayout {
  uint64_t tokens_bytes;  // T: the tokens area, and the argmax area after it
  uint64_t logit_stride;  // one logits row

  IoLayout(uint64_t tokens, uint32_t vocab)
      : tokens_bytes(mmf::round_up(4 * tokens, 64)), logit_stride(mmf::round_up(uint64_t(4) * vocab, 64)) {}
  uint64_t tokens_offset() const { return 0; }
  uint64_t argmax_offset() const { return tokens_bytes; }
  uint64_t logits_offset(uint64_t row) const { return 2 * tokens_bytes + row * logit_stride; }
  uint64_t bytes(uint64_t logit_rows) const { return logits_offset(logit_rows); }
};

}  // namespace mmfree::device
