// `mmfree generate --prompts-file`: the prompts of a file continued together (the sequences
// sharing the kernel's lanes on golden-kernel) print exactly what each prints alone, in file
// order; --json gives the continuations; more prompts than the device has state slots wait
// for free ones; bad files and flag mixes fail.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mmfree/model.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/cli_refusal.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace mmfree::test;

const std::vector<std::string> kPrompts = {"The jury said", "Once upon a time", "In the morning the",
                                           "He asked whether", "A small dog", "Prices rose"};

std::filesystem::path write_prompts(const TempDir& dir, const std::vector<std::string>& lines) {
  const auto path = dir.path() / "prompts.txt";
  std::ofstream out(path);
  for (const auto& line : lines) out << line << "\n";
  return path;
}

// What `generate --prompt` prints for one prompt, alone on a one-lane kernel model.
std::string alone(const std::string& prompt, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"generate", "--model", demo_model_dir(), "--backend", "golden-kernel",
                                   "--batch-lanes", "1", "--prompt", prompt};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::string batched(const std::filesystem::path& file, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"generate", "--model", demo_model_dir(), "--backend", "golden-kernel",
                                   "--batch-lanes", "4", "--prompts-file", file.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(GenerateBatchCli, EachPromptPrintsWhatItPrintsAlone) {
  TempDir dir;
  // A blank line is skipped.
  std::vector<std::string> lines = kPrompts;
  lines.insert(lines.begin() + 2, "");
  const auto file = write_prompts(dir, lines);
  const std::vector<std::string> greedy = {"-n", "12"};
  std::string expected;
  for (const auto& p : kPrompts) expected += alone(p, greedy);
  EXPECT_EQ(batched(file, greedy), expected);
  // Sampling: each prompt has a sampler of its own with the same seed, as alone.
  const std::vector<std::string> sampled = {"-n", "10", "--temperature", "0.8", "--top-k", "20", "--seed", "5",
                                            "--ignore-eos"};
  expected.clear();
  for (const auto& p : kPrompts) expected += alone(p, sampled);
  EXPECT_EQ(batched(file, sampled), expected);
}

TEST(GenerateBatchCli, JsonHasEachPromptAndItsContinuationInFileOrder) {
  TempDir dir;
  const auto file = write_prompts(dir, kPrompts);
  const auto out = batched(file, {"-n", "9", "--json"});
  const auto results = nlohmann::json::parse(out);
  ASSERT_TRUE(results.is_array());
  ASSERT_EQ(results.size(), kPrompts.size());
  const auto model = mmfree::Model::open(demo_model_dir());
  const mmfree::Tokenizer tokenizer(model.tokenizer_model());
  for (std::size_t k = 0; k < kPrompts.size(); ++k) {
    EXPECT_EQ(results[k]["prompt"], kPrompts[k]);
    // Alone, generate prints the prompt's echo, the continuation and a newline.
    std::vector<uint32_t> ids{tokenizer.bos_id()};
    const auto encoded = tokenizer.encode(kPrompts[k]);
    ids.insert(ids.end(), encoded.begin(), encoded.end());
    const std::string text = results[k]["text"];
    EXPECT_FALSE(text.empty()) << k;
    EXPECT_EQ(tokenizer.decode(ids) + text + "\n", alone(kPrompts[k], {"-n", "9"})) << k;
  }
}

TEST(GenerateBatchCli, MorePromptsThanStateSlotsWaitForFreeOnes) {
  // 20 prompts, 16 state slots on the device: the last four start as the first ones finish.
  TempDir dir;
  std::vector<std::string> lines;
  for (int k = 0; k < 20; ++k) lines.push_back(kPrompts[k % kPrompts.size()] + (k % 2 ? " and" : " the"));
  const auto file = write_prompts(dir, lines);
  const auto results = nlohmann::json::parse(batched(file, {"-n", "6", "--json", "--ignore-eos"}));
  ASSERT_EQ(results.size(), lines.size());
  for (const std::size_t k : {0u, 1u, 18u, 19u}) {
    const std::string text = results[k]["text"];
    const std::string out = alone(lines[k], {"-n", "6", "--ignore-eos"});
    EXPECT_TRUE(out.ends_with(text + "\n")) << k << ": " << text << " vs " << out;
  }
  // The same prompt twice gives the same text wherever it sits.
  EXPECT_EQ(results[0]["text"], results[6]["text"]);
}

TEST(GenerateBatchCli, BadPromptFilesAndFlagMixesFail) {
  TempDir dir;
  const auto empty = write_prompts(dir, {"", "  "});
  const std::string model = demo_model_dir().string();
  const std::vector<CliRefusal> cases = {
      {{"generate", "--model", model, "--prompts-file", "/nonexistent/prompts.txt"}, "/nonexistent/prompts.txt"},
      {{"generate", "--model", model, "--prompts-file", empty.string()}, "has no prompt"},
      {{"generate", "--model", model, "--prompt", "x", "--prompts-file", empty.string()}, "not both"},
  };
  for (const auto& c : cases) EXPECT_TRUE(cli_refuses(c));
}

}  // namespace
