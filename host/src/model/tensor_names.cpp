#include "model/tensor_names.hpp"

#include <array>
#include <cstring>

namespace mmfree::model {

namespace {

// Paths inside block `model.layers.<l>.`, indexed by the enums (their order is the device's,
// mmfree/model.hpp). A projection's module name is its path after the sub-layer ("attn.", "mlp.").
constexpr std::array<const char*, kProjectionsPerLayer> kProjectionPaths = {
    "attn.i_proj", "attn.f_proj", "attn.g_proj", "attn.o_proj", "mlp.gate_proj", "mlp.down_proj"};
constexpr std::array<const char*, kNormsPerLayer> kLayerNormPaths = {
    "attn_norm",        "attn.i_proj.norm", "attn.f_proj.norm",   "attn.g_proj.norm",  "attn.g_norm",
    "attn.o_proj.norm", "mlp_norm",         "mlp.gate_proj.norm", "mlp.down_proj.norm"};

std::string layer_prefix(uint32_t layer) { return "model.layers." + std::to_string(layer) + "."; }

}  // namespace

const char* projection_module(Projection p) {
  return std::strchr(kProjectionPaths.at(static_cast<std::size_t>(p)), '.') + 1;
}

std::string projection_tensor(uint32_t layer, Projection p) {
  return layer_prefix(layer) + kProjectionPaths.at(static_cast<std::size_t>(p)) + ".weight";
}

std::string layer_norm_tensor(uint32_t layer, LayerNorm n) {
  return layer_prefix(layer) + kLayerNormPaths.at(static_cast<std::size_t>(n)) + ".weight";
}

}  // namespace mmfree::model
