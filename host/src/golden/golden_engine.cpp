#include "mmfree/golden/golden_engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/ternary/matvec.hpp"
#include "model/tensor_names.hpp"

namespace mmfree::golden {
namespace {

// Errors name the checkpoint's tensors (model/tensor_names.hpp), so a user can find the bad one.
using model::kEmbeddingsTensor;
using model::kFinalNormTensor;
using model::kLmHeadNormTensor;
using model::kLmHeadTensor;
using model::kLowerBoundsTensor;
using model::layer_norm_tensor;
using model::projection_tensor;

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

}  // namespace

GoldenEngine::GoldenEngine(const Model& model) : model_(model), config_(model.config()) {
  const uint32_t d = config_.hidden_size, inter = config_.intermediate_size, n_layers = config_.num_layers;
  params_.hidden = d;
  params_.intermediate = inter;
  params_.vocab = config_.vocab_size;
  params_.use_lower_bound = config_.use_lower_bound;
  params_.hidden_constants = norm_constants(d, config_.rms_norm_eps);
  params_.intermediate_constants = norm_constants(inter, config_.rms_norm_eps);

  params_.layers.resize(n_layers);
  for (uint32_t l = 0; l < n_layers; ++l) {
    auto& layer = params_.layers[l];
    for (int n = 0; n < kNormsPerLayer; ++n) {
      const auto which = static_cast<LayerNorm>(n);
      layer.norms[n] = convert_vector(model.norm(l, which), kActFracBits, layer_norm_tensor(l, which));
    }
    if (config_.use_lower_bound) {
      // LB is a cumulative softmax, so it lies in [0, 1]; the clamp keeps 1 - LB within G.
      const auto lb = convert_vector(model.lower_bound(l), kGateFracBits,
                                     std::string(kLowerBoundsTensor) + " (layer " + std::to_string(l) + ")");
      layer.lower_bound.resize(lb.size());
      for (std::size_t k = 0; k < lb.size(); ++k)
        layer.lower_bound[k] = static_cast<uint32_t>(std::clamp<int32_t>(lb[k], 0, int32_t{kGateOne}));
    }
    for (int p = 0; p < kProjectionsPerLayer; ++p) {
      const auto which = static_cast<Projection>(p);
      const NormConstants& k = which == Projection::Down ? params_.intermediate_constants : params_.hidden_constants;
      layer.k[p] = convert_matrix_constant(model.matrix(l, which), k, projection_tensor(l, which));
    }
  }
  params_.final_norm = convert_vector(model.final_norm(), kActFracBits, kFinalNormTensor);
  params_.lm_head_norm = convert_vector(model.lm_head_norm(), kActFracBits, kLmHeadNormTensor);
  params_.lm_head_k = convert_matrix_constant(model.lm_head(), params_.hidden_constants, kLmHeadTensor);

  state_.assign(std::size_t{n_layers} * d, 0);
  x_.resize(d);
  logits_.resize(config_.vocab_size);
  step_ = std::make_unique<DecodeStep>(params_);
}

void GoldenEngine::reset() { std::fill(state_.begin(), state_.end(), 0); }

std::span<const int32_t> GoldenEngine::state(uint32_t layer) const {
  if (layer >= config_.num_layers)
    throw std::out_of_range("golden backend: no layer " + std::to_string(layer) + " (the model has " +
                            std::to_string(config_.num_layers) + ")");
  return std::span<const int32_t>(state_).subspan(std::size_t{layer} * config_.hidden_size, config_.hidden_size);
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
      throw ModelError("golden backend: tensor " + std::string(kEmbeddingsTensor) + " has a NaN in row " +
                       std::to_string(token));
    x_[k] = to_fixed(embedding[k], kActFracBits);
  }
  const std::size_t lm_head = std::size_t{config_.num_layers} * kProjectionsPerLayer;
  const TernarySums checkpoint_sums = [&](std::size_t matrix, std::span<const int8_t> q, std::span<int32_t> sums) {
    const TernaryMatrixView m =
        matrix == lm_head ? model_.lm_head()
                          : model_.matrix(static_cast<uint32_t>(matrix / kProjectionsPerLayer),
                                          static_cast<Projection>(matrix % kProjectionsPerLayer));
    ternary_matvec(m, q, sums);
  };
  return step_->run(x_, state_, checkpoint_sums);
}

}  // namespace mmfree::golden
