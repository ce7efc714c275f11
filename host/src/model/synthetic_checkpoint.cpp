#include "model/synthetic_checkpoint.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "model/synthetic_tokenizer.hpp"
#include "model/tensor_names.hpp"

namespace mmfree::model {

namespace {

// The pieces of the bundled demo model's tokenizer.model.
constexpr uint32_t kDemoVocabSize = 4096;

// splitmix64: a stateless hash of (seed, tensor, element), so any chunk can be generated
// on its own and the values do not depend on the chunking.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t name_hash(const std::string& name) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string torch_dtype_name(const std::string& dtype) {
  if (dtype == "F16") return "float16";
  if (dtype == "F32") return "float32";
  return "bfloat16";
}

}  // namespace

std::vector<TensorSpec> checkpoint_tensors(const ModelConfig& c, const std::string& dtype) {
  const uint64_t d = c.hidden_size, i = c.intermediate_size, v = c.vocab_size, n_layers = c.num_layers;
  std::vector<TensorSpec> t;
  t.push_back({kEmbeddingsTensor, dtype, {v, d}});
  for (uint32_t l = 0; l < c.num_layers; ++l) {
    const auto matrix = [&](Projection p) {
      t.push_back({projection_tensor(l, p), dtype,
                   {mmf::projection_rows(p, c.hidden_size, c.intermediate_size),
                    mmf::projection_cols(p, c.hidden_size, c.intermediate_size)}});
    };
    const auto norm = [&](LayerNorm n, uint64_t length) { t.push_back({layer_norm_tensor(l, n), dtype, {length}}); };
    // As the reference code saves them: each projection's weight, then its own input norm.
    norm(LayerNorm::Attn, d);
    matrix(Projection::I);
    norm(LayerNorm::IProj, d);
    matrix(Projection::F);
    norm(LayerNorm::FProj, d);
    matrix(Projection::G);
    norm(LayerNorm::GProj, d);
    matrix(Projection::O);
    norm(LayerNorm::OProj, d);
    norm(LayerNorm::GNorm, d);
    norm(LayerNorm::Mlp, d);
    matrix(Projection::Gate);
    norm(LayerNorm::GateProj, d);
    matrix(Projection::Down);
    norm(LayerNorm::DownProj, i);
  }
  t.push_back({kLowerBoundsTensor, dtype, {n_layers, d}});
  t.push_back({kFinalNormTensor, dtype, {d}});
  t.push_back({kLmHeadTensor, dtype, {v, d}});
  t.push_back({kLmHeadNormTensor, dtype, {d}});
  return t;
}

void synthetic_values(const TensorSpec& tensor, uint64_t seed, uint64_t first, std::span<float> out) {
  const uint64_t base = mix(seed ^ name_hash(tensor.name));
  const bool is_vector = tensor.shape.size() == 1;
  const bool is_lower_bounds = tensor.name == kLowerBoundsTensor;
  for (std::size_t k = 0; k < out.size(); ++k) {
    // 24 random bits -> [-1, 1)
    const float u = float(int64_t(mix(base + first + k) >> 40) - (int64_t(1) << 23)) / float(1 << 23);
    out[k] = is_lower_bounds ? u : (is_vector ? 1.0f + 0.25f * u : 0.05f * u);
  }
}

void write_hf_config(const std::filesystem::path& path, const ModelConfig& c, const std::string& torch_dtype) {
  nlohmann::ordered_json j = {{"architectures", {"HGRNBitForCausalLM"}},
                              {"model_type", "hgrn_bit"},
                              {"hidden_size", c.hidden_size},
                              {"num_hidden_layers", c.num_layers},
                              {"intermediate_size", c.intermediate_size},
                              {"hidden_ratio", 4},
                              {"vocab_size", c.vocab_size},
                              {"num_heads", 1},
                              {"expand_ratio", 1},
                              {"use_short_conv", false},
                              {"tie_word_embeddings", false},
                              {"use_lower_bound", c.use_lower_bound},
                              {"rms_norm_eps", c.rms_norm_eps},
                              {"hidden_act", "swish"},
                              {"bos_token_id", c.bos_token_id},
                              {"eos_token_id", c.eos_token_id},
                              {"torch_dtype", torch_dtype}};
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) throw Error(path.string() + ": cannot write");
}

uint64_t write_synthetic_checkpoint(const std::filesystem::path& dir, const SyntheticCheckpoint& spec) {
  std::filesystem::create_directories(dir);
  write_hf_config(dir / "config.json", spec.config, torch_dtype_name(spec.dtype));
  const std::filesystem::path demo_tokenizer =
      std::filesystem::path(MMFREE_ASSETS_DIR) / "models/mmfree-demo-d256-l6/tokenizer.model";
  if (!spec.tokenizer_model.empty()) {
    std::filesystem::copy_file(spec.tokenizer_model, dir / "tokenizer.model",
                               std::filesystem::copy_options::overwrite_existing);
  } else if (spec.config.vocab_size == kDemoVocabSize) {
    std::filesystem::copy_file(demo_tokenizer, dir / "tokenizer.model", std::filesystem::copy_options::overwrite_existing);
  } else {
    // `convert` refuses a tokenizer whose size differs from vocab_size: make one that fits.
    std::ofstream out(dir / "tokenizer.model", std::ios::binary | std::ios::trunc);
    out << synthetic_tokenizer_model(spec.config.vocab_size);
    if (!out) throw Error((dir / "tokenizer.model").string() + ": cannot write");
  }
  const auto weights = dir / "model.safetensors";
  write_safetensors(weights, checkpoint_tensors(spec.config, spec.dtype),
                    [&](const TensorSpec& t, uint64_t first, std::span<float> out) {
                      synthetic_values(t, spec.seed, first, out);
                    });
  return std::filesystem::file_size(weights);
}

}  // namespace mmfree::model
