// A Hugging Face directory and the .mmf `mmfree convert` writes from it are the same model,
// and conversion is deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "checkpoint_fixtures.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"
#include "model_equality.hpp"

namespace mmfree {
namespace {

using test::TempDir;

TEST(MmfRoundTrip, ConvertedImageLoadsWithIdenticalViews) {
  TempDir tmp;
  const auto out = tmp.path() / "demo.mmf";
  convert_checkpoint(test::demo_model_dir(), out);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "demo.mmf.tmp"));
  const Model from_dir = Model::open(test::demo_model_dir());
  const Model from_file = Model::open(out);
  EXPECT_TRUE(test::models_identical(from_dir, from_file));
  ASSERT_EQ(from_dir.image().size(), from_file.image().size());
  EXPECT_TRUE(std::equal(from_dir.image().begin(), from_dir.image().end(), from_file.image().begin()));
  EXPECT_EQ(std::filesystem::file_size(out), from_file.image().size());
}

TEST(MmfRoundTrip, ConvertTwiceGivesIdenticalBytes) {
  TempDir tmp;
  convert_checkpoint(test::demo_model_dir(), tmp.path() / "a.mmf");
  convert_checkpoint(test::demo_model_dir(), tmp.path() / "b.mmf");
  const std::string a = test::read_file(tmp.path() / "a.mmf");
  const std::string b = test::read_file(tmp.path() / "b.mmf");
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b);
}

TEST(MmfRoundTrip, ConvertReportsProgressUpToTheTotal) {
  TempDir tmp;
  uint64_t last_done = 0, last_total = 0, calls = 0;
  convert_checkpoint(test::demo_model_dir(), tmp.path() / "p.mmf", [&](uint64_t done, uint64_t total) {
    EXPECT_GE(done, last_done);
    last_done = done;
    last_total = total;
    ++calls;
  });
  EXPECT_GT(calls, 10u);
  EXPECT_EQ(last_done, last_total);
  // Every tensor of the demo checkpoint is consumed: 14,455,808 bytes of bf16 data.
  EXPECT_EQ(last_total, std::filesystem::file_size(test::demo_model_dir() / "model.safetensors") - 8 -
                            [] {
                              const std::string f = test::read_file(test::demo_model_dir() / "model.safetensors");
                              uint64_t n;
                              std::memcpy(&n, f.data(), 8);
                              return n;
                            }());
}

TEST(MmfRoundTrip, TokenizerBytesAreTheFileBytes) {
  const Model m = Model::open(test::demo_model_dir());
  EXPECT_EQ(std::string(m.tokenizer_model()), test::read_file(test::demo_model_dir() / "tokenizer.model"));
}

// The device descriptor alone locates every vector and matrix the accessors return (a 2bit
// image: a trit5 image's matrix views are decoded copies, tests/model/trit5_format_test.cpp).
TEST(MmfRoundTrip, DeviceDescriptorLocatesEverything) {
  const Model m = Model::open(test::demo_model_dir(), mmf::WeightEncoding::TwoBit);
  const auto img = m.image();
  const auto* base = reinterpret_cast<const std::byte*>(img.data());
  auto u32 = [&](uint64_t off) { uint32_t v; std::memcpy(&v, base + off, 4); return v; };
  auto u64 = [&](uint64_t off) { uint64_t v; std::memcpy(&v, base + off, 8); return v; };
  const uint64_t desc = 128;
  const uint32_t d = u32(desc + 0), n_layers = u32(desc + 4), i = u32(desc + 8), v = u32(desc + 12);
  EXPECT_EQ(d, 256u);
  EXPECT_EQ(n_layers, 6u);
  EXPECT_EQ(i, 768u);
  EXPECT_EQ(v, 4096u);
  const uint32_t stride_d = u32(desc + 16), stride_i = u32(desc + 20);
  const uint32_t vec_d = u32(desc + 24);
  EXPECT_EQ(stride_d, 64u);
  EXPECT_EQ(stride_i, 192u);
  EXPECT_EQ(reinterpret_cast<const std::byte*>(m.embedding(7).data()), base + u64(desc + 32) + 7 * d * 4);
  const uint64_t block0 = u64(desc + 40), block_stride = u64(desc + 48);
  for (uint32_t l = 0; l < n_layers; ++l) {
    for (int n = 0; n < kNormsPerLayer; ++n) {
      EXPECT_EQ(reinterpret_cast<const std::byte*>(m.norm(l, LayerNorm(n)).data()),
                base + block0 + l * block_stride + uint64_t(n) * vec_d);
    }
    EXPECT_EQ(reinterpret_cast<const std::byte*>(m.lower_bound(l).data()),
              base + block0 + l * block_stride + 8 * vec_d + u32(desc + 28));
  }
  EXPECT_EQ(reinterpret_cast<const std::byte*>(m.final_norm().data()), base + u64(desc + 56));
  EXPECT_EQ(reinterpret_cast<const std::byte*>(m.lm_head_norm().data()), base + u64(desc + 64));
  // Weights: layer by layer in streaming order, then lm_head, contiguous.
  const uint64_t weights = u64(desc + 72), layer_stride = u64(desc + 88), betas = u64(desc + 96);
  uint64_t expected = weights;
  uint32_t beta_index = 0;
  for (uint32_t l = 0; l < n_layers; ++l) {
    EXPECT_EQ(expected, weights + l * layer_stride);
    for (int p = 0; p < kProjectionsPerLayer; ++p) {
      const auto mat = m.matrix(l, Projection(p));
      EXPECT_EQ(reinterpret_cast<const std::byte*>(mat.data), base + expected);
      float beta;
      std::memcpy(&beta, base + betas + 4 * beta_index++, 4);
      EXPECT_EQ(beta, mat.beta);
      expected += uint64_t(mat.rows) * mat.row_stride_bytes;
    }
  }
  EXPECT_EQ(reinterpret_cast<const std::byte*>(m.lm_head().data), base + expected);
  expected += uint64_t(v) * stride_d;
  EXPECT_EQ(expected - weights, u64(desc + 80));
  for (uint64_t off : {u64(desc + 32), block0, u64(desc + 56), u64(desc + 64), weights, betas}) {
    EXPECT_EQ(off % 4096, 0u);
  }
}

}  // namespace
}  // namespace mmfree
