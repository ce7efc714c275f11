#include "model_equality.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mmfree::test {

namespace {

bool same_vector(std::span<const float> a, std::span<const float> b, const std::string& what) {
  if (a.size() != b.size() || !std::equal(a.begin(), a.end(), b.begin())) {
    ADD_FAILURE() << what << " differs";
    return false;
  }
  return true;
}

bool same_matrix(const TernaryMatrixView& a, const TernaryMatrixView& b, const std::string& what) {
  if (a.rows != b.rows || a.cols != b.cols || a.beta != b.beta) {
    ADD_FAILURE() << what << ": shape or beta differs";
    return false;
  }
  for (uint32_t r = 0; r < a.rows; ++r) {
    for (uint32_t c = 0; c < a.cols; ++c) {
      if (a.at(r, c) != b.at(r, c)) {
        ADD_FAILURE() << what << " differs at [" << r << ", " << c << "]";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

bool models_identical(const Model& a, const Model& b) {
  const ModelConfig& ca = a.config();
  const ModelConfig& cb = b.config();
  if (ca.hidden_size != cb.hidden_size || ca.num_layers != cb.num_layers ||
      ca.intermediate_size != cb.intermediate_size || ca.vocab_size != cb.vocab_size ||
      ca.rms_norm_eps != cb.rms_norm_eps || ca.use_lower_bound != cb.use_lower_bound ||
      ca.bos_token_id != cb.bos_token_id || ca.eos_token_id != cb.eos_token_id) {
    ADD_FAILURE() << "configs differ";
    return false;
  }
  bool ok = a.tokenizer_model() == b.tokenizer_model();
  if (!ok) ADD_FAILURE() << "tokenizer differs";
  for (uint32_t t = 0; t < ca.vocab_size && ok; ++t) {
    ok = same_vector(a.embedding(t), b.embedding(t), "embedding " + std::to_string(t));
  }
  for (uint32_t l = 0; l < ca.num_layers && ok; ++l) {
    ok = same_vector(a.lower_bound(l), b.lower_bound(l), "LB " + std::to_string(l));
    for (int n = 0; n < kNormsPerLayer && ok; ++n) {
      ok = same_vector(a.norm(l, LayerNorm(n)), b.norm(l, LayerNorm(n)),
                       "layer " + std::to_string(l) + " norm " + std::to_string(n));
    }
    for (int p = 0; p < kProjectionsPerLayer && ok; ++p) {
      ok = same_matrix(a.matrix(l, Projection(p)), b.matrix(l, Projection(p)),
                       "layer " + std::to_string(l) + " matrix " + std::to_string(p));
    }
  }
  ok = ok && same_vector(a.final_norm(), b.final_norm(), "final norm");
  ok = ok && same_vector(a.lm_head_norm(), b.lm_head_norm(), "lm_head norm");
  ok = ok && same_matrix(a.lm_head(), b.lm_head(), "lm_head");
  return ok;
}

}  // namespace mmfree::test
