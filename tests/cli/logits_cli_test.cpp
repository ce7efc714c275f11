// `mmfree logits`: JSON shape and consistency, agreement with the authors' argmaxes, errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/cli_refusal.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using namespace mmfree::test;

std::vector<uint32_t> prompt_ids(std::size_t k) {
  return reference_outputs()["prompts"][k]["ids"].get<std::vector<uint32_t>>();
}

TEST(LogitsCli, JsonGivesArgmaxEverywhereAndLogitsForTheLastPosition) {
  const auto ids = prompt_ids(0);
  const auto r = run_cli({"logits", "--model", demo_model_dir(), "--ids", join_ids(ids), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& positions = json["positions"];
  ASSERT_EQ(positions.size(), ids.size());
  const auto expected = reference_outputs()["prompts"][0]["argmax_per_position"].get<std::vector<uint32_t>>();
  for (std::size_t pos = 0; pos < ids.size(); ++pos) {
    EXPECT_EQ(positions[pos]["argmax"].get<uint32_t>(), expected[pos]) << "position " << pos;
    EXPECT_EQ(positions[pos].contains("logits"), pos + 1 == ids.size()) << "position " << pos;
  }
  const auto logits = positions.back()["logits"].get<std::vector<float>>();
  ASSERT_EQ(logits.size(), 4096u);
  EXPECT_EQ(positions.back()["argmax"].get<std::size_t>(),
            std::size_t(std::max_element(logits.begin(), logits.end()) - logits.begin()));
}

TEST(LogitsCli, AllGivesConsistentLogitsAtEveryPosition) {
  const auto ids = prompt_ids(1);
  const auto r = run_cli({"logits", "--model", demo_model_dir(), "--ids", join_ids(ids), "--all", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["positions"].size(), ids.size());
  for (const auto& position : json["positions"]) {
    const auto logits = position["logits"].get<std::vector<float>>();
    ASSERT_EQ(logits.size(), 4096u);
    EXPECT_EQ(position["argmax"].get<std::size_t>(),
              std::size_t(std::max_element(logits.begin(), logits.end()) - logits.begin()));
  }
}

TEST(LogitsCli, PromptIsBosPlusTheEncodedText) {
  const auto& prompt = reference_outputs()["prompts"][2];
  const auto by_text = run_cli({"logits", "--model", demo_model_dir(), "--prompt", prompt["text"], "--json"});
  const auto by_ids = run_cli({"logits", "--model", demo_model_dir(), "--ids",
                               join_ids(prompt["ids"].get<std::vector<uint32_t>>()), "--json"});
  ASSERT_EQ(by_text.exit_code, 0) << by_text.err;
  EXPECT_EQ(by_text.out, by_ids.out);
}

TEST(LogitsCli, HelpSaysWhichPositionsGetLogits) {
  const auto r = run_cli({"logits", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "--all"));
  EXPECT_TRUE(contains(r.out, "LAST position"));
  EXPECT_TRUE(contains(r.out, "--backend"));
}

TEST(LogitsCli, BadInputsFailWithAMessage) {
  const std::vector<CliRefusal> cases = {
      {{"logits", "--model", demo_model_dir(), "--ids", "1,4096"}, "out of range"},
      {{"logits", "--model", demo_model_dir(), "--ids", "1,abc"}, "abc"},
      {{"logits", "--model", demo_model_dir(), "--ids", ""}, "empty"},
      {{"logits", "--model", demo_model_dir(), "--prompt", ""}, "empty"},
      {{"logits", "--model", demo_model_dir()}, "--ids"},
      {{"logits", "--model", "/nonexistent/model.mmf", "--ids", "1"}, "/nonexistent/model.mmf"},
      {{"logits", "--model", demo_model_dir(), "--ids", "1", "--backend", "warp-drive"}, "warp-drive"},
      {{"logits", "--ids", "1"}, "model"},
  };
  for (const auto& c : cases) EXPECT_TRUE(cli_refuses(c));
}

}  // namespace
