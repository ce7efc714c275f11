#include "mmfree/golden/decode_step.hpp"

#include <algorithm>

namespace mmfree::golden {
namespace {

// p_k = a_k * w_k in format A.
void multiply(std::span<const int32_t> a, std::span<const int32_t> w, std::span<int32_t> out) {
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = mul_a(a[k], w[k]);
}

}  // namespace

DecodeStep::DecodeStep(const DecodeParameters& parameters) : params_(parameters) {
  const std::size_t d = params_.hidden, inter = params_.intermediate;
  for (auto* v : {&x_, &p1_, &p_, &f_, &i_, &g_, &o_, &down_}) v->resize(d);
  gate_up_.resize(2 * inter);
  z_.resize(inter);
  p_inter_.resize(inter);
  logits_.resize(params_.vocab);
}

void DecodeStep::count_saturated(std::span<const int32_t> values) {
  for (int32_t v : values) saturations_ += (v == kActMax || v == -kActMax);
}

// Every BitLinear: its quantizer input and its output are where format A could overflow first.
void DecodeStep::project(std::size_t matrix, ScaleFloat k, std::span<const int32_t> p, uint128 t,
                         std::span<int32_t> out, const TernarySums& sums) {
  count_saturated(p);
  bitlinear_.apply(
      p, t, k, [&](std::span<const int8_t> q, std::span<int32_t> s) { sums(matrix, q, s); }, out);
  count_saturated(out);
}

std::span<const int32_t> DecodeStep::run(std::span<const int32_t> x, std::span<int32_t> state,
                                         const TernarySums& sums) {
  const std::size_t d = params_.hidden;
  std::copy(x.begin(), x.begin() + d, x_.begin());
  for (uint32_t l = 0; l < params_.layers.size(); ++l) run_layer(l, state.subspan(std::size_t(l) * d, d), sums);

  // Head: rmsnorm(x, final_norm), then lm_head with its own norm.
  multiply(x_, params_.final_norm, p1_);
  const uint128 t = double_norm_t(sum_squares(p1_), sum_squares(x_), params_.hidden_constants);
  multiply(p1_, params_.lm_head_norm, p_);
  project(params_.layers.size() * kProjectionsPerLayer, params_.lm_head_k, p_, t, logits_, sums);
  return logits_;
}

void DecodeStep::run_layer(uint32_t layer, std::span<int32_t> h, const TernarySums& sums) {
  const std::size_t inter = params_.intermediate;
  const NormConstants& kd = params_.hidden_constants;
  const DecodeParameters::Layer& lp = params_.layers[layer];
  const auto bitlinear = [&](Projection which, std::span<const int32_t> p, uint128 t, std::span<int32_t> out) {
    project(matrix_index(layer, which), lp.k[static_cast<int>(which)], p, t, out, sums);
  };

  // Token mixer. f, i and g share u = rmsnorm(x, attn_norm): one p1 and one T for all three.
  multiply(x_, norm(layer, LayerNorm::Attn), p1_);
  const uint128 t_mix = double_norm_t(sum_squares(p1_), sum_squares(x_), kd);
  multiply(p1_, norm(layer, LayerNorm::FProj), p_);
  bitlinear(Projection::F, p_, t_mix, f_);
  multiply(p1_, norm(layer, LayerNorm::IProj), p_);
  bitlinear(Projection::I, p_, t_mix, i_);
  multiply(p1_, norm(layer, LayerNorm::GProj), p_);
  bitlinear(Projection::G, p_, t_mix, g_);

  // MLGRU; layer 0 has no lower bound.
  const bool bounded = params_.use_lower_bound && layer > 0;
  for (std::size_t k = 0; k < h.size(); ++k) {
    const uint32_t forget_complement = forget_complement_g(f_[k], bounded ? lp.lower_bound[k] : 0u, bounded);
    h[k] = mlgru_update_a(h[k], silu_a(i_[k]), forget_complement);
  }
  count_saturated(h);

  // Output gate rmsnorm(g, g_norm) * silu(h), then o_proj's own norm: a double norm of g.
  const auto g_norm = norm(layer, LayerNorm::GNorm);
  for (std::size_t k = 0; k < h.size(); ++k) p1_[k] = mul_a(mul_a(g_[k], g_norm[k]), silu_a(h[k]));
  const uint128 t_out = double_norm_t(sum_squares(p1_), sum_squares(g_), kd);
  multiply(p1_, norm(layer, LayerNorm::OProj), p_);
  bitlinear(Projection::O, p_, t_out, o_);
  for (std::size_t k = 0; k < x_.size(); ++k) x_[k] = sat32(int64_t{x_[k]} + o_[k]);  // x now holds r
  count_saturated(x_);

  // Channel mixer: the GLU, then down_proj whose input is not normalized (a single norm).
  multiply(x_, norm(layer, LayerNorm::Mlp), p1_);
  const uint128 t_glu = double_norm_t(sum_squares(p1_), sum_squares(x_), kd);
  multiply(p1_, norm(layer, LayerNorm::GateProj), p_);
  bitlinear(Projection::Gate, p_, t_glu, gate_up_);
  for (std::size_t k = 0; k < inter; ++k) z_[k] = mul_a(silu_a(gate_up_[k]), gate_up_[inter + k]);
  const uint128 t_down = single_norm_t(sum_squares(z_), params_.intermediate_constants);
  multiply(z_, norm(layer, LayerNorm::DownProj), p_inter_);
  bitlinear(Projection::Down, p_inter_, t_down, down_);
  for (std::size_t k = 0; k < x_.size(); ++k) x_[k] = sat32(int64_t{x_[k]} + down_[k]);
  count_saturated(x_);
}

}  // namespace mmfree::golden
