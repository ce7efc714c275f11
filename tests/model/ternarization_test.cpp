// Ternary codes and betas agree with an independent recomputation from the raw bf16
// latent weights (docs/model-spec.md, BitLinear step 3), and LB with its definition.
#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "checkpoint_fixtures.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"
#include "support/synthetic_model.hpp"

namespace mmfree {
namespace {

// Raw tensors of the demo checkpoint, read straight from the file.
class DemoTensors {
 public:
  DemoTensors() : file_(test::read_file(test::demo_model_dir() / "model.safetensors")) {
    uint64_t n;
    std::memcpy(&n, file_.data(), 8);
    header_ = nlohmann::json::parse(file_.substr(8, n));
    data_start_ = 8 + n;
  }
  std::vector<float> values(const std::string& name) const {
    const auto& e = header_.at(name);
    const std::size_t begin = data_start_ + e["data_offsets"][0].get<std::size_t>();
    const std::size_t end = data_start_ + e["data_offsets"][1].get<std::size_t>();
    std::vector<float> out((end - begin) / 2);
    for (std::size_t k = 0; k < out.size(); ++k) {
      uint16_t h;
      std::memcpy(&h, file_.data() + begin + 2 * k, 2);
      const uint32_t bits = uint32_t(h) << 16;
      std::memcpy(&out[k], &bits, 4);
    }
    return out;
  }

 private:
  std::string file_;
  nlohmann::json header_;
  std::size_t data_start_ = 0;
};

struct Expected {
  float beta;
  std::vector<int> codes;
};

// The authors' rule, restated: scale = 1 / clamp(mean|W|, 1e-5); T = clamp(round(W * scale)).
Expected recompute(const std::vector<float>& w) {
  double sum = 0;
  for (float x : w) sum += std::abs(double(x));
  Expected e;
  e.beta = std::max(float(sum / double(w.size())), 1e-5f);
  const float scale = 1.0f / e.beta;
  EXPECT_EQ(std::fegetround(), FE_TONEAREST);
  for (float x : w) e.codes.push_back(std::clamp(int(std::nearbyint(x * scale)), -1, 1));
  return e;
}

void expect_matches(const TernaryMatrixView& m, const std::vector<float>& latent, const std::string& what) {
  const Expected e = recompute(latent);
  EXPECT_EQ(m.beta, e.beta) << what;
  ASSERT_EQ(std::size_t(m.rows) * m.cols, latent.size()) << what;
  std::size_t mismatches = 0, zeros = 0;
  for (uint32_t r = 0; r < m.rows; ++r) {
    for (uint32_t c = 0; c < m.cols; ++c) {
      const int got = m.at(r, c);
      mismatches += got != e.codes[std::size_t(r) * m.cols + c];
      zeros += got == 0;
    }
  }
  EXPECT_EQ(mismatches, 0u) << what;
  // Trained weights: round(W / mean|W|) is zero for |W| < mean|W| / 2, a sizeable but
  // minority share (about 31% for a Gaussian).
  const double zero_fraction = double(zeros) / double(latent.size());
  EXPECT_GT(zero_fraction, 0.1) << what;
  EXPECT_LT(zero_fraction, 0.6) << what;
}

TEST(Ternarization, DemoMatricesMatchIndependentRecomputation) {
  const DemoTensors raw;
  const Model m = Model::open(test::demo_model_dir());
  expect_matches(m.matrix(0, Projection::I), raw.values("model.layers.0.attn.i_proj.weight"), "layer 0 i_proj");
  expect_matches(m.matrix(1, Projection::F), raw.values("model.layers.1.attn.f_proj.weight"), "layer 1 f_proj");
  expect_matches(m.matrix(3, Projection::Gate), raw.values("model.layers.3.mlp.gate_proj.weight"),
                 "layer 3 gate_proj");
  expect_matches(m.matrix(5, Projection::Down), raw.values("model.layers.5.mlp.down_proj.weight"),
                 "layer 5 down_proj");
  expect_matches(m.lm_head(), raw.values("lm_head.weight"), "lm_head");
}

TEST(Ternarization, EveryPackedCodeIsValid) {
  const Model m = Model::open(test::demo_model_dir());
  const auto check = [](const TernaryMatrixView& v) {
    for (uint32_t r = 0; r < v.rows; ++r) {
      for (uint32_t b = 0; b < v.row_stride_bytes; ++b) {
        const uint8_t byte = v.row_data(r)[b];
        for (int k = 0; k < 4; ++k) ASSERT_NE((byte >> (2 * k)) & 3, 2);
      }
    }
  };
  for (uint32_t l = 0; l < 6; ++l) {
    for (int p = 0; p < kProjectionsPerLayer; ++p) check(m.matrix(l, Projection(p)));
  }
  check(m.lm_head());
}

TEST(Ternarization, NormsAndEmbeddingsAreTheExactWidenedValues) {
  const DemoTensors raw;
  const Model m = Model::open(test::demo_model_dir());
  const auto emb = raw.values("model.embeddings.weight");
  for (uint32_t t : {0u, 1u, 1234u, 4095u}) {
    for (uint32_t c = 0; c < 256; ++c) ASSERT_EQ(m.embedding(t)[c], emb[std::size_t(t) * 256 + c]);
  }
  const auto down_norm = raw.values("model.layers.4.mlp.down_proj.norm.weight");
  const auto got = m.norm(4, LayerNorm::DownProj);
  ASSERT_EQ(got.size(), down_norm.size());
  for (std::size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], down_norm[k]);
  const auto g_norm = raw.values("model.layers.2.attn.g_norm.weight");
  for (std::size_t k = 0; k < 256; ++k) EXPECT_EQ(m.norm(2, LayerNorm::GNorm)[k], g_norm[k]);
  const auto final_norm = raw.values("model.norm.weight");
  for (std::size_t k = 0; k < 256; ++k) EXPECT_EQ(m.final_norm()[k], final_norm[k]);
}

TEST(Ternarization, LowerBoundsFollowTheirDefinition) {
  const DemoTensors raw;
  const Model m = Model::open(test::demo_model_dir());
  const auto lb = raw.values("model.lower_bounds");
  for (uint32_t c = 0; c < 256; ++c) {
    double total = 0;
    for (uint32_t l = 0; l < 6; ++l) total += std::exp(double(lb[l * 256 + c]));
    double cumulative = 0;
    const double first = std::exp(double(lb[c])) / total;
    for (uint32_t l = 0; l < 6; ++l) {
      cumulative += std::exp(double(lb[l * 256 + c])) / total;
      // Both sides computed in double and rounded once to float: equal to within that rounding.
      EXPECT_NEAR(m.lower_bound(l)[c], cumulative - first, 6e-8) << "layer " << l << " channel " << c;
    }
  }
}

// Widths that are not multiples of 4 or 256 leave padding in each packed row; it is zero.
TEST(Ternarization, RowPaddingIsZeroForOddWidths) {
  model::SyntheticCheckpoint spec;
  spec.config.hidden_size = 100;
  spec.config.num_layers = 2;
  spec.config.intermediate_size = 130;
  spec.config.vocab_size = 300;
  const Model m = test::synthetic_model(spec);
  const auto down = m.matrix(1, Projection::Down);
  EXPECT_EQ(down.cols, 130u);
  EXPECT_EQ(down.row_stride_bytes, 64u);
  const auto tensors = model::checkpoint_tensors(spec.config, "BF16");
  for (const auto& t : tensors) {
    if (t.name != "model.layers.1.mlp.down_proj.weight") continue;
    std::vector<float> latent(t.element_count());
    model::synthetic_values(t, spec.seed, 0, latent);
    // The checkpoint stores bf16: round the generated floats the same way first.
    for (float& x : latent) {
      uint32_t bits;
      std::memcpy(&bits, &x, 4);
      bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
      std::memcpy(&x, &bits, 4);
    }
    const Expected e = recompute(latent);
    EXPECT_EQ(down.beta, e.beta);
    for (uint32_t r = 0; r < down.rows; ++r) {
      for (uint32_t c = 0; c < down.cols; ++c) ASSERT_EQ(down.at(r, c), e.codes[r * 130 + c]);
    }
  }
  for (uint32_t r = 0; r < down.rows; ++r) {
    // 130 weights fill 32 bytes and two codes of the 33rd; the rest is padding.
    EXPECT_EQ(down.row_data(r)[32] >> 4, 0);
    for (uint32_t b = 33; b < 64; ++b) ASSERT_EQ(down.row_data(r)[b], 0) << "row " << r << " byte " << b;
  }
}

}  // namespace
}  // namespace mmfree
