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
#include "mmfree/golden/numerics.hpp"
#include "mmfree/mmf_format.hpp"

namespace mmfree::device {

// The image's parameters after the kernel's float32 -> fixed-point shifters.
struct KernelParameters {
  struct Layer {
    std::array<std::vector<int32_t>, kNormsPerLayer> norms;  // format A, LayerNorm order
    std::vector<uint32_t> lower_bound;                       // format G
    std::array<golden::ScaleFloat, kProjectionsPerLayer> beta;
  };
  uint32_t hidden = 0, layers = 0, intermediate = 0, vocab = 0;
  bool use_lower_bound = true;
  std::vector<Layer> layer;
  std::vector<int32_t> final_norm, lm_head_norm;  // format A
  golden::ScaleFloat lm_head_beta;
  golden::NormConstants hidden_constants, intermediate_constants;
};

// `fetch(offset, count)`: `count` float32 at byte `offset` of the image (throws on a bad access).
using ImageFetch = std::function<std::span<const float>(uint64_t offset, std::size_t count)>;
KernelParameters read_kernel_parameters(const mmf::DeviceDescriptor& descriptor, const ImageFetch& fetch);

// The weight streams of one command: port p's buffer holds its rows of every matrix of
// `order`, back to back.
struct PortStreams {
  PortStreams(const std::vector<StreamMatrix>& order, const std::vector<std::span<const uint8_t>>& streams);

  const std::vector<StreamMatrix>& order;
  const std::vector<std::span<const uint8_t>>& streams;
  unsigned ports;
  std::vector<std::size_t> offsets;  // [m * ports + p]: where matrix m starts in port p's stream

  // The ternary sums of stream matrix `m` for activations `q`: port p's array computes rows
  // k*P + p from its share. `scratch` is reused between calls.
  void matvec(std::size_t m, std::span<const int8_t> q, std::span<int32_t> sums, std::vector<int32_t>& scratch) const;
};

class GoldenTokenPass {
 public:
  explicit GoldenTokenPass(const KernelParameters& parameters);

  // Runs one token: `embedding` is its float32 row, `state` the slot's L*d words (updated in
  // place). Returns the logits (format A), valid until the next call.
  std::span<const int32_t> run(std::span<const float> embedding, std::span<int32_t> state, const PortStreams& weights);

 private:
  // BitLinear of section 4 on a prepared quantizer input `p` whose norm chain has sum of squares T.
  void bitlinear(const PortStreams& weights, std::size_t m, std::span<const int32_t> p, golden::uint128 t,
                 golden::ScaleFloat beta, const golden::NormConstants& k, std::span<int32_t> out);

  const KernelParameters& params_;
  std::vector<int32_t> x_, p1_, p_, f_, i_, g_, o_, r_, y_, z_, down_, logits_, port_sums_, sums_;
  std::vector<int8_t> q_;
};

// Index of the largest logit, the smallest index among equal maxima.
uint32_t argmax_of(std::span<const int32_t> logits);

}  // namespace mmfree::device
