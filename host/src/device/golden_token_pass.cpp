#include "device/golden_token_pass.hpp"

#include <algorithm>

#include "mmfree/ternary/matvec.hpp"

namespace mmfree::device {

KernelParameters read_kernel_parameters(const mmf::DeviceDescriptor& desc, const ImageFetch& fetch) {
  KernelParameters k;
  k.hidden = desc.hidden_size;
  k.intermediate = desc.intermediate_size;
  k.vocab = desc.vocab_size;
  k.use_lower_bound = (desc.flags & mmf::kFlagUseLowerBound) != 0;
  const auto to_a = [](std::span<const float> f) {
    std::vector<int32_t> a(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) a[i] = golden::to_fixed(f[i], golden::kActFracBits);
    return a;
  };
  const std::span<const float> betas = fetch(desc.betas_offset, std::size_t(kProjectionsPerLayer) * desc.num_layers + 1);
  k.hidden_constants = golden::norm_constants(desc.hidden_size, desc.rms_norm_eps);
  k.intermediate_constants = golden::norm_constants(desc.intermediate_size, desc.rms_norm_eps);
  // K = beta * C, C of the matrix's input width (down_proj's is the intermediate size).
  const auto matrix_constant = [&](float beta, const golden::NormConstants& c) {
    return golden::sf_mul(golden::to_sf(beta), c.c);
  };
  k.layers.resize(desc.num_layers);
  for (uint32_t l = 0; l < desc.num_layers; ++l) {
    KernelParameters::Layer& layer = k.layers[l];
    const uint64_t block = desc.layer_block_offset + uint64_t(l) * desc.layer_block_stride;
    for (int n = 0; n < kNormsPerLayer; ++n) {
      const bool down = static_cast<LayerNorm>(n) == LayerNorm::DownProj;
      layer.norms[n] = to_a(fetch(block + uint64_t(n) * desc.vector_stride_d, down ? desc.intermediate_size : desc.hidden_size));
    }
    const uint64_t lb_offset = block + uint64_t(8) * desc.vector_stride_d + desc.vector_stride_i;
    const std::span<const float> lb = fetch(lb_offset, desc.hidden_size);
    layer.lower_bound.resize(desc.hidden_size);
    for (uint32_t c = 0; c < desc.hidden_size; ++c) {
      const int32_t g = golden::to_fixed(lb[c], golden::kGateFracBits);
      layer.lower_bound[c] = static_cast<uint32_t>(std::clamp<int32_t>(g, 0, int32_t(golden::kGateOne)));
    }
    for (int m = 0; m < kProjectionsPerLayer; ++m) {
      const bool down = static_cast<Projection>(m) == Projection::Down;
      layer.k[m] = matrix_constant(betas[std::size_t(l) * kProjectionsPerLayer + m],
                                   down ? k.intermediate_constants : k.hidden_constants);
    }
  }
  k.final_norm = to_a(fetch(desc.final_norm_offset, desc.hidden_size));
  k.lm_head_norm = to_a(fetch(desc.lm_head_norm_offset, desc.hidden_size));
  k.lm_head_k = matrix_constant(betas[std::size_t(kProjectionsPerLayer) * desc.num_layers], k.hidden_constants);
  return k;
}

PortStreams::PortStreams(const std::vector<StreamMatrix>& matrices, const std::vector<std::span<const uint8_t>>& port_streams,
                         mmf::WeightEncoding encoding)
    : order(matrices), streams(port_streams), ports(static_cast<unsigned>(port_streams.size())) {
  if (encoding == mmf::WeightEncoding::Trit5) {
    decoded.resize(ports);
    for (unsigned p = 0; p < ports; ++p) {
      std::vector<mmf::StreamShape> shapes;
      for (const StreamMatrix& m : order) shapes.push_back({rows_on_port(m.rows, ports, p), m.cols});
      decoded[p] = mmf::decode_trit5_stream(streams[p], shapes);
      streams[p] = decoded[p];
    }
  }
  // Where each matrix starts in each port's stream: the running sum of the earlier matrices.
  offsets.assign(order.size() * ports, 0);
  std::vector<std::size_t> running(ports, 0);
  for (std::size_t m = 0; m < order.size(); ++m)
    for (unsigned p = 0; p < ports; ++p) {
      offsets[m * ports + p] = running[p];
      running[p] += std::size_t(rows_on_port(order[m].rows, ports, p)) * order[m].row_stride;
    }
}

GoldenTokenPass::GoldenTokenPass(const KernelParameters& parameters)
    : step_(parameters), x_(parameters.hidden) {}

void PortStreams::matvec(std::size_t m, std::span<const int8_t> q, std::span<int32_t> sums,
                         std::vector<int32_t>& scratch) const {
  const StreamMatrix& sm = order[m];
  for (unsigned p = 0; p < ports; ++p) {
    const TernaryMatrixView share{rows_on_port(sm.rows, ports, p), sm.cols, sm.row_stride, 0.0f,
                                  streams[p].data() + offsets[m * ports + p]};
    if (share.rows == 0) continue;
    scratch.resize(std::max<std::size_t>(scratch.size(), share.rows));
    const std::span<int32_t> out(scratch.data(), share.rows);
    ternary_matvec(share, q, out);
    for (uint32_t k = 0; k < share.rows; ++k) sums[std::size_t(k) * ports + p] = out[k];
  }
}

std::span<const int32_t> GoldenTokenPass::run(std::span<const float> embedding, std::span<int32_t> state,
                                              const PortStreams& weights) {
  for (std::size_t c = 0; c < x_.size(); ++c) x_[c] = golden::to_fixed(embedding[c], golden::kActFracBits);
  const golden::TernarySums port_sums = [&](std::size_t matrix, std::span<const int8_t> q, std::span<int32_t> sums) {
    weights.matvec(matrix, q, sums, port_scratch_);
  };
  return step_.run(x_, state, port_sums);
}

uint32_t argmax_of(std::span<const int32_t> logits) {
  uint32_t best = 0;
  for (uint32_t k = 1; k < logits.size(); ++k)
    if (logits[k] > logits[best]) best = k;
  return best;
}

}  // namespace mmfree::device
