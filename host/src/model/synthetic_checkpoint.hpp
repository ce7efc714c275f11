// Random MMfreeLM checkpoints of any shape (e.g. the released 370M / 1.3B / 2.7B ones) in
// the Hugging Face layout, for tests and benchmarks that need a model larger than the
// bundled demo. Written in a streaming way: memory use does not grow with the model.
//
// The values are random, not trained: a synthetic model exercises loading, packing,
// memory bounds and throughput, never output quality.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mmfree/model.hpp"
#include "model/safetensors_writer.hpp"

namespace mmfree::model {

struct SyntheticCheckpoint {
  ModelConfig config;           // hidden_size, num_layers, intermediate_size, vocab_size used
  std::string dtype = "BF16";   // of every tensor
  uint64_t seed = 1;
  // Copied to tokenizer.model; empty: the bundled demo model's tokenizer when vocab_size is
  // its 4,096, otherwise a synthetic tokenizer of exactly vocab_size pieces (convert checks).
  std::filesystem::path tokenizer_model;
};

// The tensors a checkpoint of this config holds, in the order the reference code saves them.
std::vector<TensorSpec> checkpoint_tensors(const ModelConfig& config, const std::string& dtype);

// Deterministic values of a synthetic tensor: latent weights uniform in ±0.05 (so the
// ternary codes are a realistic mix), norm weights around 1, lower bounds in ±1.
void synthetic_values(const TensorSpec& tensor, uint64_t seed, uint64_t first, std::span<float> out);

// Writes config.json, tokenizer.model and model.safetensors into `dir` (created if needed).
// Returns the bytes of model.safetensors.
uint64_t write_synthetic_checkpoint(const std::filesystem::path& dir, const SyntheticCheckpoint& spec);

// Writes a config.json for `config` (intermediate_size given explicitly).
void write_hf_config(const std::filesystem::path& path, const ModelConfig& config, const std::string& torch_dtype);

}  // namespace mmfree::model
