// The device memory layout of docs/device.md, in one place for both sides of the bus: the
// runtime that fills the buffers and the golden kernel model that reads them. The state and io
// formulas are the contract's (hw/contract/mmfree_contract.toml, generated mmfree/contract.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/contract.hpp"
#include "mmfree/mmf_format.hpp"

namespace mmfree::device {

// One matrix of the weight stream: layers 0..L-1 (I, F, G, O, Gate, Down), then lm_head.
struct StreamMatrix {
  uint32_t layer;  // mmf::kNoLayer for lm_head
  uint32_t index;  // Projection, or mmf::kLmHeadIndex
  uint32_t rows;
  uint32_t cols;
  uint32_t row_stride;  // bytes of a 2-bit row (what the arrays take, in either encoding)
};

std::vector<StreamMatrix> stream_order(const mmf::DeviceDescriptor& descriptor);

// Rows r of a `rows`-row matrix with r mod ports == port.
constexpr uint32_t rows_on_port(uint32_t rows, unsigned ports, unsigned port) {
  return (rows + ports - 1 - port) / ports;
}

// Bytes of weight port `port`'s buffer in `encoding`: its rows of every matrix, back to back
// (trit5: their 64-column segments, five a beat, the last beat padded; docs/mmf-format.md).
uint64_t port_stream_bytes(const std::vector<StreamMatrix>& order, unsigned ports, unsigned port,
                           mmf::WeightEncoding encoding);
// Segments of port `port`'s rows of every matrix (trit5).
uint64_t port_stream_segments(const std::vector<StreamMatrix>& order, unsigned ports, unsigned port);

// Weight port p's buffer argument "wNN" and byte counter "wNN_bytes", as the contract names
// them (hw/contract/mmfree_contract.toml, [weight_ports]).
using contract::weight_port_argument;
using contract::weight_port_counter;

// One MLGRU state slot (the contract's state_slot_bytes: L * d words, rounded up to a page).
constexpr uint64_t state_slot_bytes(uint32_t layers, uint32_t hidden) {
  return contract::state_slot_bytes(layers, hidden);
}

// The io buffer of a command of `passes` passes over `lanes` lanes and a vocabulary of `vocab`
// entries, by the contract's io_* formulas: token and argmax of pass t, lane k at word t*K + k.
struct IoLayout {
  uint64_t tokens_bytes;  // T: the tokens area, and the argmax area after it
  uint64_t logit_stride;  // one logits row

  IoLayout(uint64_t passes, uint64_t lanes, uint32_t vocab)
      : tokens_bytes(contract::io_tokens_bytes(passes, lanes)),
        logit_stride(contract::io_logit_stride(vocab)),
        passes_(passes),
        lanes_(lanes),
        vocab_(vocab) {}
  uint64_t tokens_offset() const { return 0; }
  uint64_t token_offset(uint64_t pass, uint64_t lane) const { return 4 * (pass * lanes_ + lane); }
  uint64_t argmax_offset() const { return contract::io_argmax_offset(passes_, lanes_); }
  uint64_t argmax_offset(uint64_t pass, uint64_t lane) const { return argmax_offset() + 4 * (pass * lanes_ + lane); }
  uint64_t logits_offset(uint64_t row) const { return contract::io_logits_offset(passes_, lanes_, vocab_, row); }
  uint64_t bytes(uint64_t logit_rows) const { return logits_offset(logit_rows); }

 private:
  uint64_t passes_;
  uint64_t lanes_;
  uint32_t vocab_;
};

}  // namespace mmfree::device
