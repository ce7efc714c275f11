// The tensor names of a Hugging Face MMfreeLM checkpoint (HGRNBitForCausalLM,
// docs/model-spec.md), in one table: the converter looks tensors up by them, the golden
// backend names them in its errors, the .mmf section names use the projections' module names,
// and synthetic checkpoints are written with them.
#pragma once

#include <cstdint>
#include <string>

#include "mmfree/model.hpp"

namespace mmfree::model {

// The tensors outside the blocks.
inline constexpr const char* kEmbeddingsTensor = "model.embeddings.weight";  // [V, d]
inline constexpr const char* kLowerBoundsTensor = "model.lower_bounds";      // [L, d]
inline constexpr const char* kFinalNormTensor = "model.norm.weight";         // [d]
inline constexpr const char* kLmHeadTensor = "lm_head.weight";               // [V, d]
inline constexpr const char* kLmHeadNormTensor = "lm_head.norm.weight";      // [d]

// A projection's module name: "i_proj", "f_proj", "g_proj", "o_proj", "gate_proj", "down_proj".
const char* projection_module(Projection p);

// The weight of a block's projection: "model.layers.3.attn.i_proj.weight".
std::string projection_tensor(uint32_t layer, Projection p);

// A block's norm weight: "model.layers.3.attn_norm.weight", "model.layers.3.attn.i_proj.norm.weight", ...
std::string layer_norm_tensor(uint32_t layer, LayerNorm n);

}  // namespace mmfree::model
