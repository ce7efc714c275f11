// Broken Hugging Face checkpoints give a ModelError naming the file and the tensor or
// config field at fault; each case is a synthetic broken copy of the demo in a temp dir.
#include <gtest/gtest.h>

#include <string>

#include "checkpoint_fixtures.hpp"
#include "mmfree/error.hpp"
#include "mmfree/model.hpp"

namespace mmfree {
namespace {

using test::TempDir;

// Opens `dir` expecting a ModelError whose message holds every one of `parts`.
void expect_model_error(const std::filesystem::path& dir, std::initializer_list<std::string> parts) {
  try {
    Model::open(dir);
    ADD_FAILURE() << "opening " << dir << " succeeded";
  } catch (const ModelError& e) {
    const std::string message = e.what();
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message << " lacks " << part;
  }
}

TEST(CheckpointErrors, MissingTensor) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.edit_tensor = [](model::TensorSpec& t) {
                    return t.name != "model.layers.3.attn.g_norm.weight";
                  }});
  expect_model_error(tmp.path(), {"model.layers.3.attn.g_norm.weight", "no tensor"});
}

TEST(CheckpointErrors, WrongShape) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.edit_tensor = [](model::TensorSpec& t) {
                    if (t.name == "model.layers.2.attn.o_proj.weight") t.shape = {256, 255};
                    return true;
                  }});
  expect_model_error(tmp.path(), {"model.safetensors", "model.layers.2.attn.o_proj.weight", "[256, 255]",
                                  "[256, 256]"});
}

TEST(CheckpointErrors, GateProjMustHoldBothHalves) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.edit_tensor = [](model::TensorSpec& t) {
                    if (t.name == "model.layers.0.mlp.gate_proj.weight") t.shape = {768, 256};
                    return true;
                  }});
  expect_model_error(tmp.path(), {"model.layers.0.mlp.gate_proj.weight", "[1536, 256]"});
}

TEST(CheckpointErrors, UnsupportedDtype) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.edit_tensor = [](model::TensorSpec& t) {
                    if (t.name == "model.layers.1.mlp.down_proj.weight") t.dtype = "I32";
                    return true;
                  }});
  expect_model_error(tmp.path(), {"model.layers.1.mlp.down_proj.weight", "I32"});
}

TEST(CheckpointErrors, TruncatedSafetensors) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  const auto file = tmp.path() / "model.safetensors";
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 100);
  // The copy writes tensors in name order: model.norm.weight (512 bytes) comes last.
  expect_model_error(tmp.path(), {"model.safetensors", "truncated", "model.norm.weight"});
}

TEST(CheckpointErrors, TruncatedInsideTheHeader) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  std::filesystem::resize_file(tmp.path() / "model.safetensors", 100);
  expect_model_error(tmp.path(), {"model.safetensors", "truncated"});
}

TEST(CheckpointErrors, CorruptHeaderJson) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  std::string bytes = test::read_file(tmp.path() / "model.safetensors");
  bytes[8] = '[';  // the header's opening brace
  bytes[20] = '}';
  test::write_file(tmp.path() / "model.safetensors", bytes);
  expect_model_error(tmp.path(), {"model.safetensors", "JSON"});
}

TEST(CheckpointErrors, MissingWeightsFile) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  std::filesystem::remove(tmp.path() / "model.safetensors");
  expect_model_error(tmp.path(), {"model.safetensors"});
}

TEST(CheckpointErrors, MissingTokenizer) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  std::filesystem::remove(tmp.path() / "tokenizer.model");
  expect_model_error(tmp.path(), {"tokenizer.model"});
}

TEST(CheckpointErrors, ShardMissingFromIndex) {
  TempDir tmp;
  test::copy_demo(tmp.path(), {.shards = 2});
  std::filesystem::remove(tmp.path() / "model-00002-of-00002.safetensors");
  expect_model_error(tmp.path(), {"model-00002-of-00002.safetensors"});
}

struct BadConfig {
  const char* field;
  nlohmann::json value;  // null: remove the field
};

void PrintTo(const BadConfig& bad, std::ostream* os) { *os << bad.field << " = " << bad.value.dump(); }

class CheckpointConfigErrors : public testing::TestWithParam<BadConfig> {};

TEST_P(CheckpointConfigErrors, NamesConfigJsonAndTheField) {
  TempDir tmp;
  const BadConfig bad = GetParam();
  test::copy_demo(tmp.path(), {.edit_config = [&](nlohmann::json& c) {
                    if (bad.value.is_null()) {
                      c.erase(bad.field);
                    } else {
                      c[bad.field] = bad.value;
                    }
                  }});
  expect_model_error(tmp.path(), {"config.json", std::string("\"") + bad.field + "\""});
}

INSTANTIATE_TEST_SUITE_P(
    Fields, CheckpointConfigErrors,
    testing::Values(BadConfig{"model_type", "llama"}, BadConfig{"num_heads", 4}, BadConfig{"expand_ratio", 2},
                    BadConfig{"use_short_conv", true}, BadConfig{"tie_word_embeddings", true},
                    BadConfig{"hidden_size", 0}, BadConfig{"hidden_size", -256}, BadConfig{"vocab_size", nullptr},
                    BadConfig{"num_hidden_layers", "six"}, BadConfig{"intermediate_size", 0},
                    BadConfig{"torch_dtype", "int8"}, BadConfig{"dtype", "float64"},
                    BadConfig{"rms_norm_eps", -1.0}),
    [](const testing::TestParamInfo<BadConfig>& info) {
      return std::string(info.param.field) + "_" + std::to_string(info.index);
    });

TEST(CheckpointErrors, ConfigNotJson) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  test::write_file(tmp.path() / "config.json", "{\"model_type\": \"hgrn_bit\",");
  expect_model_error(tmp.path(), {"config.json", "JSON"});
}

TEST(CheckpointErrors, NoSuchPath) {
  expect_model_error("/nonexistent/mmfree-model", {"/nonexistent/mmfree-model"});
}

}  // namespace
}  // namespace mmfree
