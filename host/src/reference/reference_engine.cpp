#include "mmfree/reference/reference_engine.hpp"

#include <algorithm>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/reference/activations.hpp"
#include "mmfree/reference/rms_norm.hpp"

namespace mmfree::reference {

ReferenceEngine::ReferenceEngine(const Model& model) : model_(model), config_(model.config()) {
  const std::size_t d = config_.hidden_size, inter = config_.intermediate_size;
  state_.assign(config_.num_layers, std::vector<float>(d, 0.0f));
  for (auto* v : {&x_, &u_, &f_, &i_, &g_, &o_in_, &o_, &v_, &down_, &final_normed_}) v->resize(d);
  gate_up_.resize(2 * inter);
  z_.resize(inter);
  logits_.resize(config_.vocab_size);
}

void ReferenceEngine::reset() {
  for (auto& h : state_) std::fill(h.begin(), h.end(), 0.0f);
}

std::span<const float> ReferenceEngine::step(uint32_t token) {
  if (token >= config_.vocab_size)
    throw UsageError("token id " + std::to_string(token) + " is out of range (vocabulary size " +
                     std::to_string(config_.vocab_size) + ")");
  const auto embedding = model_.embedding(token);
  std::copy(embedding.begin(), embedding.end(), x_.begin());
  for (uint32_t layer = 0; layer < config_.num_layers; ++layer) run_layer(layer);
  rms_norm(x_, model_.final_norm(), config_.rms_norm_eps, final_normed_);
  bitlinear_.apply(final_normed_, model_.lm_head_norm(), model_.lm_head(), logits_);
  return logits_;
}

void ReferenceEngine::run_layer(uint32_t layer) {
  const std::size_t d = config_.hidden_size, inter = config_.intermediate_size;
  auto norm = [&](LayerNorm which) { return model_.norm(layer, which); };
  auto matrix = [&](Projection which) { return model_.matrix(layer, which); };

  // Token mixer: the MLGRU.
  rms_norm(x_, norm(LayerNorm::Attn), config_.rms_norm_eps, u_);
  bitlinear_.apply(u_, norm(LayerNorm::FProj), matrix(Projection::F), f_);
  bitlinear_.apply(u_, norm(LayerNorm::IProj), matrix(Projection::I), i_);
  bitlinear_.apply(u_, norm(LayerNorm::GProj), matrix(Projection::G), g_);
  // The first layer has no lower bound (LB[0] = 0), so the same formula covers it.
  const bool bounded = config_.use_lower_bound && layer > 0;
  const auto lower_bound = model_.lower_bound(layer);
  auto& h = state_[layer];
  for (std::size_t k = 0; k < d; ++k) {
    float forget = sigmoid(f_[k]);
    if (bounded) forget = lower_bound[k] + (1.0f - lower_bound[k]) * forget;
    h[k] = forget * h[k] + silu(i_[k]) * (1.0f - forget);
  }
  // Output gate: RMSNorm(g) * SiLU(h), then o_proj with its own norm inside.
  rms_norm(g_, norm(LayerNorm::GNorm), config_.rms_norm_eps, o_in_);
  for (std::size_t k = 0; k < d; ++k) o_in_[k] *= silu(h[k]);
  bitlinear_.apply(o_in_, norm(LayerNorm::OProj), matrix(Projection::O), o_);
  for (std::size_t k = 0; k < d; ++k) x_[k] += o_[k];  // x now holds r

  // Channel mixer: the GLU.
  rms_norm(x_, norm(LayerNorm::Mlp), config_.rms_norm_eps, v_);
  bitlinear_.apply(v_, norm(LayerNorm::GateProj), matrix(Projection::Gate), gate_up_);
  for (std::size_t k = 0; k < inter; ++k) z_[k] = silu(gate_up_[k]) * gate_up_[inter + k];
  bitlinear_.apply(z_, norm(LayerNorm::DownProj), matrix(Projection::Down), down_);
  for (std::size_t k = 0; k < d; ++k) x_[k] += down_[k];
}

}  // namespace mmfree::reference
