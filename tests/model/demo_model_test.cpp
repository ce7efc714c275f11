// The bundled demo model loads from its Hugging Face directory with the config and tensor
// contents the checkpoint implies.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "mmfree/error.hpp"
#include "mmfree/model.hpp"
#include "support/demo_fixtures.hpp"

namespace {

const std::filesystem::path& kDemoDir = mmfree::test::demo_model_dir();

TEST(DemoModel, ConfigResolvesNullIntermediateSize) {
  const mmfree::Model m = mmfree::Model::open(kDemoDir);
  const auto& c = m.config();
  EXPECT_EQ(c.hidden_size, 256u);
  EXPECT_EQ(c.num_layers, 6u);
  // int(256 * 4 * 2 / 3) = 682, rounded up to a multiple of 256.
  EXPECT_EQ(c.intermediate_size, 768u);
  EXPECT_EQ(c.vocab_size, 4096u);
  EXPECT_FLOAT_EQ(c.rms_norm_eps, 1e-6f);
  EXPECT_TRUE(c.use_lower_bound);
  EXPECT_EQ(c.bos_token_id, 1u);
  EXPECT_EQ(c.eos_token_id, 2u);
}

TEST(DemoModel, ViewsHaveConfigShapes) {
  const mmfree::Model m = mmfree::Model::open(kDemoDir);
  EXPECT_EQ(m.embedding(4095).size(), 256u);
  EXPECT_THROW(m.embedding(4096), mmfree::ModelError);
  EXPECT_EQ(m.norm(5, mmfree::LayerNorm::DownProj).size(), 768u);
  EXPECT_EQ(m.norm(0, mmfree::LayerNorm::Attn).size(), 256u);
  EXPECT_THROW(m.norm(6, mmfree::LayerNorm::Attn), mmfree::ModelError);
  const auto gate = m.matrix(2, mmfree::Projection::Gate);
  EXPECT_EQ(gate.rows, 1536u);
  EXPECT_EQ(gate.cols, 256u);
  EXPECT_EQ(gate.row_stride_bytes, 64u);
  const auto down = m.matrix(2, mmfree::Projection::Down);
  EXPECT_EQ(down.rows, 256u);
  EXPECT_EQ(down.cols, 768u);
  EXPECT_EQ(down.row_stride_bytes, 192u);
  EXPECT_EQ(m.lm_head().rows, 4096u);
  EXPECT_GT(m.lm_head().beta, 0.0f);
  EXPECT_FALSE(m.tokenizer_model().empty());
  EXPECT_EQ(m.image().size() % 4096, 0u);
}

TEST(DemoModel, LowerBoundsStartAtZeroAndIncrease) {
  const mmfree::Model m = mmfree::Model::open(kDemoDir);
  for (float x : m.lower_bound(0)) EXPECT_EQ(x, 0.0f);
  for (uint32_t c = 0; c < 256; ++c) {
    for (uint32_t l = 1; l < 6; ++l) {
      EXPECT_GE(m.lower_bound(l)[c], m.lower_bound(l - 1)[c]);
      EXPECT_LT(m.lower_bound(l)[c], 1.0f);
    }
  }
}

}  // namespace
