// One token through the kernel's per-token schedule (docs/device.md) with the golden
// arithmetic (docs/numerics.md section 5), fed the way the kernel is fed: parameters read
// from the image in device memory and converted to fixed point, weights from the per-port
// streams, MLGRU state from the slot.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "device/memory_layout.hpp"
#include "mmfree/golden/decode_step.hpp"
#include "mmfree/golden/numerics.hpp"
#include "mmfree/mmf_format.hpp"

namespace mmfree::device {

// The image's parameters after the kernel's float32 -> fixed-point shifters: exactly what
// the golden decode step takes.
using KernelParameters = golden::DecodeParameters;

// `fetch(offset, count)`: `count` float32 at byte `offset` of the image (throws on a bad access).
using ImageFetch = std::function<std::span<const float>(uint64_t offset, std::size_t count)>;
KernelParameters read_kernel_parameters(const mmf::DeviceDescriptor& descriptor, const ImageFetch& fetch);

// The weight streams of one command: port p's buffer holds its rows of every matrix of
// `order`, back to back, in `encoding` (a trit5 stream is decoded here, once, to the 2-bit rows
// the kernel's trit decoder and gearbox hand its array).
struct PortStreams {
  PortStreams(const std::vector<StreamMatrix>& order, const std::vector<std::span<const uint8_t>>& streams,
              mmf::WeightEncoding encoding = mmf::WeightEncoding::TwoBit);

  const std::vector<StreamMatrix>& order;
  std::vector<std::span<const uint8_t>> streams;  // 2-bit rows
  std::vector<std::vector<uint8_t>> decoded;      // trit5: what `streams` points into
  unsigned ports;
  std::vector<std::size_t> offsets;  // [m * ports + p]: where matrix m starts in port p's stream

  // The ternary sums of stream matrix `m` for activations `q`: port p's array computes rows
  // k*P + p from its share. `scratch` is reused between calls.
  void matvec(std::size_t m, std::span<const int8_t> q, std::span<int32_t> sums, std::vector<int32_t>& scratch) const;
};

// The golden decode step fed from the port streams.
class GoldenTokenPass {
 public:
  // `parameters` must outlive the pass.
  explicit GoldenTokenPass(const KernelParameters& parameters);

  // Runs one token: `embedding` is its float32 row, `state` the slot's L*d words (updated in
  // place). Returns the logits (format A), valid until the next call.
  std::span<const int32_t> run(std::span<const float> embedding, std::span<int32_t> state, const PortStreams& weights);

 private:
  golden::DecodeStep step_;
  std::vector<int32_t> x_;             // the embedding row in format A
  std::vector<int32_t> port_scratch_;  // one port's share of a matrix's sums, reused
};

// Index of the largest logit, the smallest index among equal maxima.
uint32_t argmax_of(std::span<const int32_t> logits);

}  // namespace mmfree::device
