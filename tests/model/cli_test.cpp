// `mmfree convert` and `mmfree inspect` as a user runs them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "checkpoint_fixtures.hpp"
#include "mmfree/model.hpp"
#include "support/cli_runner.hpp"

namespace mmfree {
namespace {

using test::run_cli;
using test::TempDir;

TEST(ConvertCli, HelpDescribesUsage) {
  const auto r = run_cli({"convert", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("HF_DIR OUT.mmf"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--progress"), std::string::npos) << r.out;
}

TEST(ConvertCli, ConvertsTheDemoWithProgress) {
  TempDir tmp;
  const auto out = tmp.path() / "demo.mmf";
  const auto r = run_cli({"convert", test::demo_model_dir().string(), out.string(), "--progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("100.0%"), std::string::npos) << r.err;  // the forced progress bar finished
  const Model m = Model::open(out);
  EXPECT_EQ(m.config().hidden_size, 256u);
}

TEST(ConvertCli, FailedConvertLeavesNoFile) {
  TempDir tmp;
  test::copy_demo(tmp.path() / "broken", {.edit_tensor = [](model::TensorSpec& t) {
                    return t.name != "lm_head.weight";
                  }});
  const auto out = tmp.path() / "broken.mmf";
  const auto r = run_cli({"convert", (tmp.path() / "broken").string(), out.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("lm_head.weight"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "broken.mmf.tmp"));
}

TEST(ConvertCli, MissingArgumentsIsAUsageError) {
  const auto r = run_cli({"convert", test::demo_model_dir().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage"), std::string::npos) << r.err;
}

TEST(InspectCli, JsonListsConfigAndEverySection) {
  const auto r = run_cli({"inspect", test::demo_model_dir().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["config"]["intermediate_size"], 768);
  EXPECT_EQ(j["format_version"], 1);
  // tokenizer, embeddings, 6 layer blocks, 2 norms, betas, weights, 6 * 6 + 1 matrices
  ASSERT_EQ(j["sections"].size(), 6u + 6u + 37u);
  EXPECT_EQ(j["sections"][48]["name"], "matrix lm_head");
  EXPECT_EQ(j["sections"][48]["rows"], 4096);
  EXPECT_EQ(j["device_descriptor"]["row_stride_i"], 192);
}

TEST(InspectCli, TextTableNamesSections) {
  const auto r = run_cli({"inspect", test::demo_mmf().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("d=256 L=6 I=768 V=4096"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("matrix layer 5 down_proj"), std::string::npos) << r.out;
}

// Both weight encodings through the CLI: convert writes trit5 unless --weights 2bit, inspect
// says which and what a token reads (the demo: 1,232,128 against 1,540,096 bytes).
TEST(ConvertCli, WeightsFlagChoosesTheEncodingAndInspectShowsIt) {
  TempDir tmp;
  for (const auto& [flag, name, bytes] : {std::tuple<const char*, const char*, uint64_t>{nullptr, "trit5", 1232128},
                                          {"2bit", "2bit", 1540096},
                                          {"trit5", "trit5", 1232128}}) {
    const auto out = tmp.path() / (std::string(flag ? flag : "default") + ".mmf");
    std::vector<std::string> args = {"convert", test::demo_model_dir().string(), out.string()};
    if (flag) args.insert(args.end(), {"--weights", flag});
    const auto c = run_cli(args);
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_NE(c.out.find(std::string(name) + " weights"), std::string::npos) << c.out;
    const auto r = run_cli({"inspect", out.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["weight_encoding"], name);
    EXPECT_EQ(j["weight_bytes_per_token"], bytes);
    EXPECT_EQ(j["weight_bytes_per_token_2bit"], 1540096);
    EXPECT_EQ(j["device_descriptor"]["weight_encoding"], std::string(name) == "trit5" ? 1 : 0);
  }
  const auto bad = run_cli({"convert", test::demo_model_dir().string(), (tmp.path() / "x.mmf").string(), "--weights", "3bit"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--weights: '3bit'"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "x.mmf"));
}

TEST(InspectCli, DamagedImageIsAnError) {
  TempDir tmp;
  test::write_file(tmp.path() / "junk.mmf", std::string(8192, 'x'));
  const auto r = run_cli({"inspect", (tmp.path() / "junk.mmf").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("junk.mmf"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mmfree
