// `mmfree generate`: greedy text equals the authors' greedy continuation, sampling is
// reproducible per seed, --stats reports both speeds, bad flags fail.
#include <gtest/gtest.h>

#include <vector>

#include "mmfree/model.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/cli_refusal.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using namespace mmfree::test;

TEST(GenerateCli, GreedyTextIsThePromptFollowedByTheAuthorsContinuation) {
  const auto& prompt = reference_outputs()["prompts"][2];
  const auto r = run_cli({"generate", "--model", demo_model_dir(), "--prompt", prompt["text"], "-n", "16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto model = mmfree::Model::open(demo_model_dir());
  const mmfree::Tokenizer tokenizer(model.tokenizer_model());
  auto ids = prompt["ids"].get<std::vector<uint32_t>>();
  for (uint32_t id : prompt["greedy_ids"].get<std::vector<uint32_t>>()) {
    if (ids.size() == prompt["ids"].size() + 16) break;
    ids.push_back(id);
    if (id == tokenizer.eos_id()) break;  // generate stops there
  }
  EXPECT_EQ(r.out, tokenizer.decode(ids) + "\n");
}

TEST(GenerateCli, SameSeedSameTextAndStatsGoToStderr) {
  const std::vector<std::string> args = {"generate",      "--model", demo_model_dir(), "--prompt", "Once upon a time",
                                         "-n",            "24",      "--temperature",   "0.9",      "--top-k",
                                         "40",            "--top-p", "0.95",            "--seed",   "7",
                                         "--ignore-eos", "--stats"};
  const auto first = run_cli(args), second = run_cli(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, second.out);
  EXPECT_TRUE(first.out.starts_with("Once upon a time"));
  EXPECT_TRUE(contains(first.err, "prefill")) << first.err;
  EXPECT_TRUE(contains(first.err, "decode")) << first.err;
  EXPECT_TRUE(contains(first.err, "tokens/s")) << first.err;
  EXPECT_FALSE(contains(first.out, "tokens/s"));
}

TEST(GenerateCli, BadInputsFailWithAMessage) {
  const std::vector<CliRefusal> cases = {
      {{"generate", "--model", demo_model_dir(), "--prompt", ""}, "empty"},
      {{"generate", "--model", demo_model_dir(), "--prompt", "x", "--top-p", "1.5"}, "top-p"},
      {{"generate", "--model", demo_model_dir(), "--prompt", "x", "--temperature", "-1"}, "temperature"},
      {{"generate", "--model", demo_model_dir(), "--prompt", "x", "-n", "many"}, "many"},
      {{"generate", "--model", "/nonexistent/dir", "--prompt", "x"}, "/nonexistent/dir"},
      {{"generate", "--model", demo_model_dir()}, "prompt"},
  };
  for (const auto& c : cases) EXPECT_TRUE(cli_refuses(c));
}

}  // namespace
