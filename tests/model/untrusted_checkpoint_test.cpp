// Hostile Hugging Face checkpoints (issue 16, findings 1, 3 and 5): config values nested 100,000
// deep, FIFOs and devices in place of files, oversized small files, an epsilon that does not
// survive the float conversion, and tokenizers that do not load or do not fit the model. Each
// is refused with a ModelError naming the file, never a crash, hang or later confusion.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "support/limited_child.hpp"
#include "checkpoint_fixtures.hpp"
#include "mmfree/error.hpp"
#include "mmfree/model.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "model/synthetic_checkpoint.hpp"

namespace mmfree {
namespace {

using test::TempDir;

std::string model_error_of(const std::filesystem::path& dir) {
  try {
    Model::open(dir);
  } catch (const ModelError& e) {
    return e.what();
  }
  return "(opened without error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The demo's config.json text with the value of `field` replaced by `raw_json`, written as text:
// a value nested 100,000 deep cannot go through nlohmann's (recursive) dump.
void write_config_with(const std::filesystem::path& dir, const std::string& field, const std::string& raw_json) {
  std::string text = test::read_file(dir / "config.json");
  const std::string key = "\"" + field + "\": ";
  const auto at = text.find(key);
  ASSERT_NE(at, std::string::npos) << field;
  const auto value_end = text.find_first_of(",\n}", at + key.size());
  text.replace(at + key.size(), value_end - at - key.size(), raw_json);
  test::write_file(dir / "config.json", text);
}

std::string nested_array(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class DeeplyNestedConfigValue : public testing::TestWithParam<const char*> {};

// Finding 1: the error path dumped the value recursively and overflowed the stack (SIGSEGV).
TEST_P(DeeplyNestedConfigValue, IsRefusedByDepthNotByCrashing) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  write_config_with(tmp.path(), GetParam(), nested_array(100000));
  const std::string message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "config.json")) << message;
  EXPECT_TRUE(contains(message, "nested deeper than")) << message;
}

INSTANTIATE_TEST_SUITE_P(Fields, DeeplyNestedConfigValue,
                         testing::Values("hidden_size", "model_type", "num_heads", "use_short_conv"));

TEST(UntrustedConfig, ConvertAndLogitsExitCleanlyOnADeeplyNestedValue) {
  TempDir tmp;
  test::copy_demo(tmp.path() / "hf");
  write_config_with(tmp.path() / "hf", "hidden_size", nested_array(100000));
  const auto convert = test::run_cli_limited({"convert", (tmp.path() / "hf").string(), (tmp.path() / "o.mmf").string()});
  EXPECT_EQ(convert.exit_code, 1) << convert.err;
  EXPECT_TRUE(contains(convert.err, "nested deeper than")) << convert.err;
  const auto logits = test::run_cli_limited({"logits", "--model", (tmp.path() / "hf").string(), "--ids", "1"});
  EXPECT_EQ(logits.exit_code, 1) << logits.err;
  EXPECT_TRUE(contains(logits.err, "nested deeper than")) << logits.err;
}

TEST(UntrustedConfig, ErrorsQuoteAShortExcerptNotTheWholeValue) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  write_config_with(tmp.path(), "hidden_size", "\"" + std::string(100000, 'x') + "\"");
  std::string message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "\"hidden_size\"")) << message.substr(0, 300);
  EXPECT_LT(message.size(), 400u);
  write_config_with(tmp.path(), "hidden_size", "[\"" + std::string(100000, 'y') + "\", 2]");
  message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "an array of 2 elements")) << message.substr(0, 300);
  EXPECT_LT(message.size(), 400u);
}

// Finding 4, config side: both pass a check made in double.
TEST(UntrustedConfig, EpsilonIsCheckedAsTheFloatTheKernelUses) {
  for (const char* eps : {"1e308", "1e-320", "1e-40", "2.0"}) {
    TempDir tmp;
    test::copy_demo(tmp.path());
    write_config_with(tmp.path(), "rms_norm_eps", eps);
    const std::string message = model_error_of(tmp.path());
    EXPECT_TRUE(contains(message, "\"rms_norm_eps\"")) << eps << ": " << message;
  }
}

TEST(UntrustedConfig, TokenIdsBeyond32BitsDoNotWrap) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  write_config_with(tmp.path(), "bos_token_id", "4294967297");  // 2^32 + 1 would read as 1
  EXPECT_TRUE(contains(model_error_of(tmp.path()), "\"bos_token_id\""));
}

// Finding 3: a FIFO blocked open() for ever; /dev/zero was read until memory ran out.
class SpecialFileInCheckpoint : public testing::TestWithParam<const char*> {};

TEST_P(SpecialFileInCheckpoint, FifoIsRefusedWithoutBlocking) {
  TempDir tmp;
  test::copy_demo(tmp.path() / "hf");
  const auto victim = tmp.path() / "hf" / GetParam();
  std::filesystem::remove(victim);
  ASSERT_EQ(::mkfifo(victim.c_str(), 0600), 0);
  const auto r = test::run_cli_limited({"convert", (tmp.path() / "hf").string(), (tmp.path() / "o.mmf").string()}, 20);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, GetParam())) << r.err;
  EXPECT_TRUE(contains(r.err, "a FIFO, not a regular file")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "o.mmf.tmp"));
}

TEST_P(SpecialFileInCheckpoint, EndlessDeviceIsRefused) {
  TempDir tmp;
  test::copy_demo(tmp.path() / "hf");
  const auto victim = tmp.path() / "hf" / GetParam();
  std::filesystem::remove(victim);
  std::filesystem::create_symlink("/dev/zero", victim);
  const auto r = test::run_cli_limited({"convert", (tmp.path() / "hf").string(), (tmp.path() / "o.mmf").string()}, 20);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "a character device, not a regular file")) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Files, SpecialFileInCheckpoint,
                         testing::Values("config.json", "model.safetensors", "tokenizer.model"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

TEST(UntrustedConfig, OversizedConfigIsRefusedBeforeParsing) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  test::write_file(tmp.path() / "config.json", test::read_file(tmp.path() / "config.json") + std::string(2 << 20, ' '));
  const std::string message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "config.json: larger than")) << message;
}

// Finding 5: a tokenizer that does not load, or does not fit the model, was packed with exit 0.
TEST(UntrustedTokenizer, RandomBytesAreRefusedAtConvert) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  std::string noise(4096, '\0');
  uint32_t x = 12345;
  for (char& c : noise) c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
  test::write_file(tmp.path() / "tokenizer.model", noise);
  const std::string message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "tokenizer.model")) << message;
  EXPECT_TRUE(contains(message, "does not load")) << message;
}

TEST(UntrustedTokenizer, TruncatedTokenizerIsRefusedAtConvert) {
  TempDir tmp;
  test::copy_demo(tmp.path());
  const std::string whole = test::read_file(tmp.path() / "tokenizer.model");
  test::write_file(tmp.path() / "tokenizer.model", whole.substr(0, whole.size() / 2));
  const std::string message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "tokenizer.model")) << message;
}

TEST(UntrustedTokenizer, TokenizerSmallerThanTheVocabularyIsRefused) {
  TempDir tmp;
  model::SyntheticCheckpoint spec;
  spec.config = {.hidden_size = 64, .num_layers = 1, .intermediate_size = 128, .vocab_size = 8192};
  spec.tokenizer_model = test::demo_model_dir() / "tokenizer.model";  // 4,096 pieces
  model::write_synthetic_checkpoint(tmp.path(), spec);
  const std::string message = model_error_of(tmp.path());
  EXPECT_TRUE(contains(message, "tokenizer.model: has 4096 pieces but config.json says vocab_size 8192")) << message;
}

TEST(UntrustedTokenizer, SyntheticCheckpointsCarryATokenizerOfTheirVocabulary) {
  TempDir tmp;
  model::SyntheticCheckpoint spec;
  spec.config = {.hidden_size = 64, .num_layers = 1, .intermediate_size = 128, .vocab_size = 300};
  model::write_synthetic_checkpoint(tmp.path(), spec);
  const Model m = Model::open(tmp.path());
  const Tokenizer tokenizer(m.tokenizer_model());
  EXPECT_EQ(tokenizer.vocab_size(), 300u);
  EXPECT_EQ(tokenizer.decode(tokenizer.encode("The jury said 42!")), "The jury said 42!");
}

}  // namespace
}  // namespace mmfree
