// The in-memory view of one MMfreeLM, as every backend reads it.
//
// A Model is always backed by one packed `.mmf` image (docs/mmf-format.md): either an
// mmap of a file written by `mmfree convert`, or an image built in memory from a
// Hugging Face directory. The accessors below are zero-copy views into that image,
// so the reference pass, the golden pass and the device loaders share one source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mmfree/weight_encoding.hpp"

namespace mmfree {

struct ModelConfig {
  uint32_t hidden_size = 0;        // d
  uint32_t num_layers = 0;         // L
  uint32_t intermediate_size = 0;  // I (already resolved when config.json says null)
  uint32_t vocab_size = 0;         // V
  float rms_norm_eps = 1e-6f;
  bool use_lower_bound = true;
  uint32_t bos_token_id = 1;
  uint32_t eos_token_id = 2;
};

// The projections of one block, in the order the device streams them.
enum class Projection : uint8_t { I, F, G, O, Gate, Down };
inline constexpr int kProjectionsPerLayer = 6;

// Per-layer element-wise parameter vectors (all float32 in the image).
enum class LayerNorm : uint8_t {
  Attn,      // attn_norm [d]
  IProj,     // attn.i_proj.norm [d]
  FProj,     // attn.f_proj.norm [d]
  GProj,     // attn.g_proj.norm [d]
  GNorm,     // attn.g_norm [d]
  OProj,     // attn.o_proj.norm [d]
  Mlp,       // mlp_norm [d]
  GateProj,  // mlp.gate_proj.norm [d]
  DownProj,  // mlp.down_proj.norm [I]
};
inline constexpr int kNormsPerLayer = 9;

// A ternary matrix [rows, cols] in nn.Linear layout (out, in), packed 2 bits per weight
// (whatever the image's weight encoding: a trit5 image's matrices are decoded to this once,
// when the image is opened):
// code 0b00 = 0, 0b01 = +1, 0b11 = -1 (0b10 never appears). Weight (r, c) lives in
// byte row_data(r)[c / 4] at bit offset 2 * (c % 4). Each row is padded with zero codes to
// `row_stride_bytes` (a multiple of 64 bytes: one 512-bit memory beat holds 256 weights).
struct TernaryMatrixView {
  uint32_t rows = 0;
  uint32_t cols = 0;
  uint32_t row_stride_bytes = 0;
  float beta = 0.0f;  // per-tensor scale: W ≈ beta * T
  const uint8_t* data = nullptr;

  const uint8_t* row_data(uint32_t r) const { return data + std::size_t(r) * row_stride_bytes; }
  int8_t at(uint32_t r, uint32_t c) const {
    const unsigned code = (row_data(r)[c >> 2] >> (2 * (c & 3))) & 3u;
    return static_cast<int8_t>(code == 1 ? 1 : (code == 3 ? -1 : 0));
  }
};

class Model {
 public:
  // Opens a `.mmf` file (mmap) or a Hugging Face MMfreeLM directory (converted in memory, its
  // weights in `directory_encoding`; a file says its own encoding).
  // Throws mmfree::ModelError with a message naming the file and tensor on any problem.
  static Model open(const std::filesystem::path& path,
                    mmf::WeightEncoding directory_encoding = mmf::kDefaultWeightEncoding);

  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const ModelConfig& config() const;

  // Embedding row of `token` [d]. Throws ModelError for token >= V.
  std::span<const float> embedding(uint32_t token) const;
  // LB[l] [d]: the precomputed forget-gate lower bound of layer l (LB[0] is all zeros).
  std::span<const float> lower_bound(uint32_t layer) const;
  std::span<const float> norm(uint32_t layer, LayerNorm which) const;
  TernaryMatrixView matrix(uint32_t layer, Projection which) const;
  std::span<const float> final_norm() const;    // model.norm [d]
  std::span<const float> lm_head_norm() const;  // lm_head.norm [d]
  TernaryMatrixView lm_head() const;            // [V, d]

  // The sentencepiece model proto, byte for byte as in tokenizer.model.
  std::string_view tokenizer_model() const;

  // The whole packed image (what `mmfree convert` writes; what a device loads).
  std::span<const std::byte> image() const;
  // How the image stores its weights (the device descriptor's weight_encoding).
  mmf::WeightEncoding weight_encoding() const;

  class Impl;

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Called as work proceeds: `done` of `total` units (both in bytes of input tensors).
using ConvertProgress = std::function<void(uint64_t done, uint64_t total)>;

// Converts a Hugging Face MMfreeLM directory into a `.mmf` file, tensor by tensor, so peak
// memory stays bounded by the largest tensor rather than the model. Writes `out` + ".tmp"
// and renames it at the end: a failed conversion never leaves a partial `out`.
// Throws ModelError naming the file and tensor on any problem with the checkpoint.
void convert_checkpoint(const std::filesystem::path& hf_dir, const std::filesystem::path& out,
                        const ConvertProgress& progress = {},
                        mmf::WeightEncoding encoding = mmf::kDefaultWeightEncoding);

}  // namespace mmfree
