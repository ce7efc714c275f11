#include "device/golden_token_pass.hpp"

#include <algorithm>

#include "mmfree/ternary/matvec.hpp"

namespace mmfree::device {

using golden::mul_a;
using golden::sat32;
using golden::sum_squares;

KernelParameters read_kernel_parameters(const mmf::DeviceDescriptor& desc, const ImageFetch& fetch) {
  KernelParameters k;
  k.hidden = desc.hidden_size;
  k.layers = desc.num_layers;
  k.intermediate = desc.intermediate_size;
  k.vocab = desc.vocab_size;
  k.use_lower_bound = (desc.flags & mmf::kFlagUseLowerBound) != 0;
  const auto to_a = [](std::span<const float> f) {
    std::vector<int32_t> a(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) a[i] = golden::to_fixed(f[i], golden::kActFracBits);
    return a;
  };
  const std::span<const float> betas = fetch(desc.betas_offset, std::size_t(kProjectionsPerLayer) * desc.num_layers + 1);
  k.layer.resize(desc.num_layers);
  for (uint32_t l = 0; l < desc.num_layers; ++l) {
    KernelParameters::Layer& layer = k.layer[l];
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
    for (int m = 0; m < kProjectionsPerLayer; ++m)
      layer.beta[m] = golden::to_sf(betas[std::size_t(l) * kProjectionsPerLayer + m]);
  }
  k.final_norm = to_a(fetch(desc.final_norm_offset, desc.hidden_size));
  k.lm_head_norm = to_a(fetch(desc.lm_head_norm_offset, desc.hidden_size));
  k.lm_head_beta = golden::to_sf(betas[std::size_t(kProjectionsPerLayer) * desc.num_layers]);
  k.hidden_constants = golden::norm_constants(desc.hidden_size, desc.rms_norm_eps);
  k.intermediate_constants = golden::norm_constants(desc.intermediate_size, desc.rms_norm_eps);
  return k;
}

PortStreams::PortStreams(const std::vector<StreamMatrix>& matrices, const std::vector<std::span<const uint8_t>>& port_streams)
    : order(matrices), streams(port_streams), ports(static_cast<unsigned>(port_streams.size())) {
  // Where each matrix starts in each port's stream: the running sum of the earlier matrices.
  offsets.assign(order.size() * ports, 0);
  std::vector<std::size_t> running(ports, 0);
  for (std::size_t m = 0; m < order.size(); ++m)
    for (unsigned p = 0; p < ports; ++p) {
      offsets[m * ports + p] = running[p];
      running[p] += std::size_t(rows_on_port(order[m].rows, ports, p)) * order[m].row_stride;
    }
}

GoldenTokenPass::GoldenTokenPass(const KernelParameters& parameters) : params_(parameters) {
  const std::size_t d = params_.hidden, inter = params_.intermediate;
  for (auto* v : {&x_, &p1_, &f_, &i_, &g_, &o_, &r_, &down_}) v->resize(d);
  p_.resize(std::max(d, inter));
  q_.resize(std::max(d, inter));
  y_.resize(2 * inter);
  z_.resize(inter);
  logits_.resize(params_.vocab);
  sums_.resize(std::max<std::size_t>({params_.vocab, 2 * inter, d}));
  port_sums_.resize(sums_.size());
}

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

void GoldenTokenPass::bitlinear(const PortStreams& weights, std::size_t m, std::span<const int32_t> p, golden::uint128 t,
                                golden::ScaleFloat beta, const golden::NormConstants& k, std::span<int32_t> out) {
  const std::span<int8_t> q(q_.data(), p.size());
  const uint32_t amax = golden::quantize_vector(p, q);
  const golden::ScaleFloat scale = golden::bitlinear_scale(golden::sf_mul(beta, k.c), amax, t);
  const std::span<int32_t> sums(sums_.data(), out.size());
  weights.matvec(m, q, sums, port_sums_);
  for (std::size_t j = 0; j < out.size(); ++j) out[j] = golden::apply_scale_a(sums[j], scale);
}

std::span<const int32_t> GoldenTokenPass::run(std::span<const float> embedding, std::span<int32_t> state,
                                              const PortStreams& weights) {
  const std::size_t d = params_.hidden, inter = params_.intermediate;
  const golden::NormConstants& kd = params_.hidden_constants;
  for (std::size_t c = 0; c < d; ++c) x_[c] = golden::to_fixed(embedding[c], golden::kActFracBits);

  const auto elementwise = [](std::span<const int32_t> a, std::span<const int32_t> b, std::span<int32_t> out) {
    for (std::size_t c = 0; c < out.size(); ++c) out[c] = mul_a(a[c], b[c]);
  };
  const std::span<int32_t> p_d(p_.data(), d);

  for (uint32_t l = 0; l < params_.layers; ++l) {
    const KernelParameters::Layer& layer = params_.layer[l];
    const auto norm = [&](LayerNorm n) { return std::span<const int32_t>(layer.norms[static_cast<int>(n)]); };
    const auto beta = [&](Projection pr) { return layer.beta[static_cast<int>(pr)]; };
    const std::size_t m0 = std::size_t(l) * kProjectionsPerLayer;
    const auto matrix = [&](Projection pr) { return m0 + static_cast<std::size_t>(pr); };

    // Token mixer: i, f, g share one normalisation (attn_norm), each with its own norm weight.
    elementwise(x_, norm(LayerNorm::Attn), p1_);
    const golden::uint128 tm = golden::double_norm_t(sum_squares(p1_), sum_squares(x_), kd);
    elementwise(p1_, norm(LayerNorm::FProj), p_d);
    bitlinear(weights, matrix(Projection::F), p_d, tm, beta(Projection::F), kd, f_);
    elementwise(p1_, norm(LayerNorm::IProj), p_d);
    bitlinear(weights, matrix(Projection::I), p_d, tm, beta(Projection::I), kd, i_);
    elementwise(p1_, norm(LayerNorm::GProj), p_d);
    bitlinear(weights, matrix(Projection::G), p_d, tm, beta(Projection::G), kd, g_);

    // MLGRU: h[l] lives in the state slot.
    const std::span<int32_t> h = state.subspan(std::size_t(l) * d, d);
    const bool bounded = params_.use_lower_bound && l > 0;
    for (std::size_t c = 0; c < d; ++c) {
      const uint32_t cf = golden::forget_complement_g(f_[c], layer.lower_bound[c], bounded);
      h[c] = golden::mlgru_update_a(h[c], golden::silu_a(i_[c]), cf);
    }

    // Output gate: rmsnorm(g, g_norm) * silu(h), then o_proj with its own norm.
    for (std::size_t c = 0; c < d; ++c) p1_[c] = mul_a(mul_a(g_[c], norm(LayerNorm::GNorm)[c]), golden::silu_a(h[c]));
    const golden::uint128 to = golden::double_norm_t(sum_squares(p1_), sum_squares(g_), kd);
    elementwise(p1_, norm(LayerNorm::OProj), p_d);
    bitlinear(weights, matrix(Projection::O), p_d, to, beta(Projection::O), kd, o_);
    for (std::size_t c = 0; c < d; ++c) r_[c] = sat32(int64_t{x_[c]} + o_[c]);

    // Channel mixer: the GLU.
    elementwise(r_, norm(LayerNorm::Mlp), p1_);
    const golden::uint128 tg = golden::double_norm_t(sum_squares(p1_), sum_squares(r_), kd);
    elementwise(p1_, norm(LayerNorm::GateProj), p_d);
    bitlinear(weights, matrix(Projection::Gate), p_d, tg, beta(Projection::Gate), kd, y_);
    for (std::size_t c = 0; c < inter; ++c) z_[c] = mul_a(golden::silu_a(y_[c]), y_[inter + c]);
    const std::span<int32_t> p_i(p_.data(), inter);
    elementwise(z_, norm(LayerNorm::DownProj), p_i);
    const golden::uint128 td = golden::single_norm_t(sum_squares(z_), params_.intermediate_constants);
    bitlinear(weights, matrix(Projection::Down), p_i, td, beta(Projection::Down), params_.intermediate_constants, down_);
    for (std::size_t c = 0; c < d; ++c) x_[c] = sat32(int64_t{r_[c]} + down_[c]);
  }

  // Head: rmsnorm(x, final_norm), then lm_head with its own norm.
  elementwise(x_, params_.final_norm, p1_);
  const golden::uint128 th = golden::double_norm_t(sum_squares(p1_), sum_squares(x_), kd);
  elementwise(p1_, params_.lm_head_norm, p_d);
  bitlinear(weights, std::size_t(params_.layers) * kProjectionsPerLayer, p_d, th, params_.lm_head_beta, kd, logits_);
  return logits_;
}

uint32_t argmax_of(std::span<const int32_t> logits) {
  uint32_t best = 0;
  for (uint32_t k = 1; k < logits.size(); ++k)
    if (logits[k] > logits[best]) best = k;
  return best;
}

}  // namespace mmfree::device
