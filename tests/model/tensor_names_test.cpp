// The one table of checkpoint tensor names (host/src/model/tensor_names.hpp) against the
// released layout: the names a synthetic checkpoint of the demo's shape is written with are
// exactly the tensors, with the same shapes, of the bundled demo checkpoint.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mmfree/mmf_format.hpp"
#include "model/hf_config.hpp"
#include "model/synthetic_checkpoint.hpp"
#include "model/tensor_names.hpp"
#include "support/demo_fixtures.hpp"
#include "support/text_file.hpp"

namespace mmfree {
namespace {

using Shapes = std::map<std::string, std::vector<uint64_t>>;

// Read straight from the safetensors header, not through the library's reader.
Shapes demo_checkpoint_shapes() {
  const std::string file = test::read_file(test::demo_model_dir() / "model.safetensors");
  uint64_t header_length = 0;
  std::memcpy(&header_length, file.data(), 8);
  const auto header = nlohmann::json::parse(file.substr(8, header_length));
  Shapes shapes;
  for (const auto& [name, entry] : header.items()) {
    if (name != "__metadata__") shapes[name] = entry["shape"].get<std::vector<uint64_t>>();
  }
  return shapes;
}

TEST(TensorNames, NameTheBlocksTensorsAsTheCheckpointDoes) {
  EXPECT_EQ(model::projection_tensor(3, Projection::I), "model.layers.3.attn.i_proj.weight");
  EXPECT_EQ(model::projection_tensor(0, Projection::Gate), "model.layers.0.mlp.gate_proj.weight");
  EXPECT_EQ(model::layer_norm_tensor(5, LayerNorm::Attn), "model.layers.5.attn_norm.weight");
  EXPECT_EQ(model::layer_norm_tensor(1, LayerNorm::GNorm), "model.layers.1.attn.g_norm.weight");
  EXPECT_EQ(model::layer_norm_tensor(2, LayerNorm::DownProj), "model.layers.2.mlp.down_proj.norm.weight");
  EXPECT_STREQ(model::projection_module(Projection::Down), "down_proj");
  // The .mmf section names use the same module names.
  EXPECT_STREQ(mmf::projection_name(Projection::F), "f_proj");
}

TEST(TensorNames, ASyntheticCheckpointOfTheDemosShapeHoldsExactlyTheDemosTensors) {
  const ModelConfig config = model::read_hf_config(test::demo_model_dir() / "config.json");
  Shapes synthetic;
  for (const auto& spec : model::checkpoint_tensors(config, "BF16")) {
    EXPECT_TRUE(synthetic.emplace(spec.name, spec.shape).second) << spec.name << " named twice";
  }
  EXPECT_EQ(synthetic, demo_checkpoint_shapes());
}

}  // namespace
}  // namespace mmfree
