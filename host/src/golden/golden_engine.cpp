#include "mmfree/golden/golden_engine.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree::golden {
namespace {

// Hugging Face tensor names, for error messages that point at the checkpoint.
std::string norm_tensor_name(uint32_t layer, LayerNorm which) {
  static constexpr std::array<const char*, kNormsPerLayer> kNames = {
      "attn_norm.weight",          "attn.i_proj.norm.weight", "attn.f_proj.norm.weight",
      "attn.g_proj.norm.weight",   "attn.g_norm.weight",      "attn.o_proj.norm.weight",
      "mlp_norm.weight",           "mlp.gate_proj.norm.weight", "mlp.down_proj.norm.weight"};
  return "model.layers." + std::to_string(layer) + "." + kNames[static_cast<int>(which)];
}

std::string matrix_tensor_name(uint32_t layer, Projection which) {
  static constexpr std::array<const char*, kProjectionsPerLayer> kNames = {
      "attn.i_proj.weight", "attn.f_proj.weight", "attn.g_proj.weight",
      "attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.down_proj.weight"};
  return "model.layers." + std::to_string(layer) + "." + kNames[static_cast<int>(which)];
}

// Section 2: float32 parameters to fixed point, refusing NaN (the only value without a
// meaningful fixed-point image).
std::vector<int32_t> convert_vector(std::span<const float> values, int frac_bits, const std::string& tensor) {
  std::vector<int32_t> out(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (std::isnan(values[k]))
      throw ModelError("golden backend: tensor " + tensor + " has a NaN at index " + std::to_string(k));
    out[k] = to_fixed(values[k], frac_bits);
  }
  return out;
}

ScaleFloat convert_matrix_constant(const TernaryMatrixView& m, const NormConstants& k, const std::string& tensor) {
  if (to_sf(m.beta).mantissa == 0)
    throw ModelError("golden backend: tensor " + tensor + " has scale beta = " + std::to_string(m.beta) +
                     ", not a positive normal float32");
  return matrix_constant(m, k);
}

// p_k = a_k * w_k in format A.
void multiply(std::span<const int32_t> a, std::span<const int32_t> w, std::span<int32_t> out) {
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = mul_a(a[k], w[k]);
}

}  // namespace

GoldenEngine::GoldenEngine(const Model& model) : model_(model), config_(model.config()) {
  const uint32_t d = config_.hidden_size, inter = config_.intermediate_size, n_layers = config_.num_layers;
  hidden_constants_ = norm_constants(d, config_.rms_norm_eps);
  inter_constants_ = norm_constants(inter, config_.rms_norm_eps);

  layers_.resize(n_layers);
  for (uint32_t l = 0; l < n_layers; ++l) {
    auto& params = layers_[l];
    for (int n = 0; n < kNormsPerLayer; ++n) {
      const auto which = static_cast<LayerNorm>(n);
      params.norms[n] = convert_vector(model.norm(l, which), kActFracBits, norm_tensor_name(l, which));
    }
    if (config_.use_lower_bound) {
      // LB is a cumulative softmax, so it lies in [0, 1]; the clamp keeps 1 - LB within G.
      const auto lb = convert_vector(model.lower_bound(l), kGateFracBits,
                                     "model.lower_bounds (layer " + std::to_string(l) + ")");
      params.lower_bound.resize(lb.size());
      for (std::size_t k = 0; k < lb.size(); ++k)
        params.lower_bound[k] = static_cast<uint32_t>(std::clamp<int32_t>(lb[k], 0, int32_t{kGateOne}));
    }
    for (int p = 0; p < kProjectionsPerLayer; ++p) {
      const auto which = static_cast<Projection>(p);
      const NormConstants& k = which == Projection::Down ? inter_constants_ : hidden_constants_;
      params.k[p] = convert_matrix_constant(model.matrix(l, which), k, matrix_tensor_name(l, which));
    }
  }
  final_norm_ = convert_vector(model.final_norm(), kActFracBits, "model.norm.weight");
  lm_head_norm_ = convert_vector(model.lm_head_norm(), kActFracBits, "lm_head.norm.weight");
  lm_head_k_ = convert_matrix_constant(model.lm_head(), hidden_constants_, "lm_head.weight");

  state_.assign(n_layers, std::vector<int32_t>(d, 0));
  for (auto* v : {&x_, &p1_, &p_, &f_, &i_, &g_, &o_, &down_}) v->resize(d);
  gate_up_.resize(2 * std::size_t{inter});
  z_.resize(inter);
  p_inter_.resize(inter);
  logits_fixed_.resize(config_.vocab_size);
  logits_.resize(config_.vocab_size);
}

void GoldenEngine::reset() {
  for (auto& h : state_) std::fill(h.begin(), h.end(), 0);
}

std::span<const float> GoldenEngine::step(uint32_t token) {
  const auto fixed = step_fixed(token);
  // The logit format (docs/numerics.md section 5): Q16.16 to float, the one float operation.
  for (std::size_t j = 0; j < fixed.size(); ++j) logits_[j] = static_cast<float>(fixed[j]) * (1.0f / 65536.0f);
  return logits_;
}

std::span<const int32_t> GoldenEngine::step_fixed(uint32_t token) {
  if (token >= config_.vocab_size)
    throw UsageError("token id " + std::to_string(token) + " is out of range (vocabulary size " +
                     std::to_string(config_.vocab_size) + ")");
  const auto embedding = model_.embedding(token);
  for (std::size_t k = 0; k < x_.size(); ++k) {
    if (std::isnan(embedding[k]))
      throw ModelError("golden backend: tensor model.embeddings.weight has a NaN in row " + std::to_string(token));
    x_[k] = to_fixed(embedding[k], kActFracBits);
  }
  for (uint32_t layer = 0; layer < config_.num_layers; ++layer) run_layer(layer);

  multiply(x_, final_norm_, p1_);
  const uint128 t = double_norm_t(sum_squares(p1_), sum_squares(x_), hidden_constants_);
  multiply(p1_, lm_head_norm_, p_);
  count_saturated(p_);
  bitlinear_.apply(p_, t, lm_head_k_, model_.lm_head(), logits_fixed_);
  count_saturated(logits_fixed_);
  return logits_fixed_;
}

void GoldenEngine::count_saturated(std::span<const int32_t> values) {
  for (int32_t v : values) saturations_ += (v == kActMax || v == -kActMax);
}

// Every BitLinear: its quantizer input and its output are where format A could overflow first.
void GoldenEngine::project(uint32_t layer, Projection which, std::span<const int32_t> p, uint128 t,
                           std::span<int32_t> out) {
  count_saturated(p);
  bitlinear_.apply(p, t, layers_[layer].k[static_cast<int>(which)], model_.matrix(layer, which), out);
  count_saturated(out);
}

void GoldenEngine::run_layer(uint32_t layer) {
  const uint32_t inter = config_.intermediate_size;
  auto& h = state_[layer];

  // Token mixer. f, i and g share u = rmsnorm(x, attn_norm): one p1 and one T for all three.
  multiply(x_, norm(layer, LayerNorm::Attn), p1_);
  const uint128 t_mix = double_norm_t(sum_squares(p1_), sum_squares(x_), hidden_constants_);
  multiply(p1_, norm(layer, LayerNorm::FProj), p_);
  project(layer, Projection::F, p_, t_mix, f_);
  multiply(p1_, norm(layer, LayerNorm::IProj), p_);
  project(layer, Projection::I, p_, t_mix, i_);
  multiply(p1_, norm(layer, LayerNorm::GProj), p_);
  project(layer, Projection::G, p_, t_mix, g_);

  const bool bounded = config_.use_lower_bound && layer > 0;
  const auto& lower_bound = layers_[layer].lower_bound;
  for (std::size_t k = 0; k < h.size(); ++k) {
    const uint32_t forget_complement = forget_complement_g(f_[k], bounded ? lower_bound[k] : 0u, bounded);
    h[k] = mlgru_update_a(h[k], silu_a(i_[k]), forget_complement);
  }
  count_saturated(h);

  // Output gate rmsnorm(g, g_norm) * silu(h), then o_proj's own norm: a double norm of g.
  const auto g_norm = norm(layer, LayerNorm::GNorm);
  for (std::size_t k = 0; k < h.size(); ++k) p1_[k] = mul_a(mul_a(g_[k], g_norm[k]), silu_a(h[k]));
  const uint128 t_out = double_norm_t(sum_squares(p1_), sum_squares(g_), hidden_constants_);
  multiply(p1_, norm(layer, LayerNorm::OProj), p_);
  project(layer, Projection::O, p_, t_out, o_);
  for (std::size_t k = 0; k < x_.size(); ++k) x_[k] = sat32(int64_t{x_[k]} + o_[k]);  // x now holds r
  count_saturated(x_);

  // Channel mixer: the GLU, then down_proj whose input is not normalized (a single norm).
  multiply(x_, norm(layer, LayerNorm::Mlp), p1_);
  const uint128 t_glu = double_norm_t(sum_squares(p1_), sum_squares(x_), hidden_constants_);
  multiply(p1_, norm(layer, LayerNorm::GateProj), p_);
  project(layer, Projection::Gate, p_, t_glu, gate_up_);
  for (uint32_t k = 0; k < inter; ++k) z_[k] = mul_a(silu_a(gate_up_[k]), gate_up_[inter + k]);
  const uint128 t_down = single_norm_t(sum_squares(z_), inter_constants_);
  multiply(z_, norm(layer, LayerNorm::DownProj), p_inter_);
  project(layer, Projection::Down, p_inter_, t_down, down_);
  for (std::size_t k = 0; k < x_.size(); ++k) x_[k] = sat32(int64_t{x_[k]} + down_[k]);
  count_saturated(x_);
}

}  // namespace mmfree::golden
