// Sharded, fp32 and fp16 checkpoints load through the same path: sharded and fp32 copies
// of the bf16 demo are the same model exactly; an fp16 copy holds the fp16-rounded values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "checkpoint_fixtures.hpp"
#include "mmfree/model.hpp"
#include "model/float_formats.hpp"
#include "model/hf_config.hpp"
#include "model/safetensors_writer.hpp"
#include "model_equality.hpp"

namespace mmfree {
namespace {

using test::TempDir;

TEST(CheckpointVariants, ShardedCheckpointLoadsIdentically) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.shards = 2});
  ASSERT_TRUE(std::filesystem::exists(tmp.path() / "model.safetensors.index.json"));
  ASSERT_FALSE(std::filesystem::exists(tmp.path() / "model.safetensors"));
  const Model sharded = Model::open(tmp.path());
  const Model original = Model::open(test::demo_model_dir());
  EXPECT_TRUE(test::models_identical(sharded, original));
}

TEST(CheckpointVariants, Float32CheckpointLoadsIdentically) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.dtype = "F32"});
  EXPECT_GT(std::filesystem::file_size(tmp.path() / "model.safetensors"),
            std::filesystem::file_size(test::demo_model_dir() / "model.safetensors") * 19 / 10);
  EXPECT_TRUE(test::models_identical(Model::open(tmp.path()), Model::open(test::demo_model_dir())));
}

TEST(CheckpointVariants, Float16CheckpointHoldsTheHalfValues) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.dtype = "F16"});
  const Model half = Model::open(tmp.path());
  const Model original = Model::open(test::demo_model_dir());
  auto as_half = [](float x) { return model::f16_to_float(model::float_to_f16(x)); };
  for (uint32_t t : {0u, 17u, 4095u}) {
    for (uint32_t c = 0; c < 256; ++c) ASSERT_EQ(half.embedding(t)[c], as_half(original.embedding(t)[c]));
  }
  for (uint32_t c = 0; c < 768; ++c) {
    ASSERT_EQ(half.norm(3, LayerNorm::DownProj)[c], as_half(original.norm(3, LayerNorm::DownProj)[c]));
  }
  // Betas move by at most the fp16 rounding of the weights (relative 2^-11 each).
  const auto a = half.matrix(2, Projection::O), b = original.matrix(2, Projection::O);
  EXPECT_NEAR(a.beta, b.beta, b.beta * 1e-3);
}

TEST(CheckpointVariants, HalfConversionIsExact) {
  // Spot values: normal, subnormal, largest finite, infinity.
  EXPECT_EQ(model::f16_to_float(0x3C00), 1.0f);
  EXPECT_EQ(model::f16_to_float(0xC000), -2.0f);
  EXPECT_EQ(model::f16_to_float(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(model::f16_to_float(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(model::f16_to_float(0x7BFF), 65504.0f);
  EXPECT_TRUE(std::isinf(model::f16_to_float(0x7C00)));
  EXPECT_TRUE(std::isnan(model::f16_to_float(0x7E00)));
  // Every finite half survives float and back.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00) continue;
    ASSERT_EQ(model::float_to_f16(model::f16_to_float(uint16_t(h))), h) << h;
  }
  EXPECT_EQ(model::bf16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(model::bf16_to_float(0xC2F7), -123.5f);
}

TEST(CheckpointVariants, ReleasedConfigsResolveTheirIntermediateSize) {
  // The 370M / 1.3B / 2.7B configs say intermediate_size null with hidden_ratio 4.
  EXPECT_EQ(model::default_intermediate_size(1024, 4), 2816u);
  EXPECT_EQ(model::default_intermediate_size(2048, 4), 5632u);
  EXPECT_EQ(model::default_intermediate_size(2560, 4), 6912u);
  TempDir tmp;
  nlohmann::json config = nlohmann::json::parse(test::read_file(test::demo_model_dir() / "config.json"));
  config["hidden_size"] = 2048;
  config["num_hidden_layers"] = 24;
  config["vocab_size"] = 32000;
  config.erase("torch_dtype");
  config["dtype"] = "bfloat16";
  test::write_file(tmp.path() / "config.json", config.dump());
  const ModelConfig c = model::read_hf_config(tmp.path() / "config.json");
  EXPECT_EQ(c.intermediate_size, 5632u);
  EXPECT_EQ(c.vocab_size, 32000u);
}

TEST(CheckpointVariants, LowerBoundOffNeedsNoLowerBoundsTensor) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.edit_tensor = [](model::TensorSpec& t) { return t.name != "model.lower_bounds"; },
                               .edit_config = [](nlohmann::json& c) { c["use_lower_bound"] = false; }});
  const Model m = Model::open(tmp.path());
  EXPECT_FALSE(m.config().use_lower_bound);
  for (uint32_t l = 0; l < 6; ++l) {
    for (float x : m.lower_bound(l)) ASSERT_EQ(x, 0.0f);
  }
}

}  // namespace
}  // namespace mmfree
