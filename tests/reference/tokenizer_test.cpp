// The SentencePiece wrapper: encoding as the authors did, round trips, ids, errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mmfree/error.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/id_list.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::test::demo_model;

const mmfree::Tokenizer& tokenizer() {
  static const mmfree::Tokenizer t(demo_model().tokenizer_model());
  return t;
}

std::vector<std::string> heldout_lines(std::size_t count) {
  std::ifstream file(mmfree::test::heldout_text_path());
  std::vector<std::string> lines;
  for (std::string line; lines.size() < count && std::getline(file, line);) lines.push_back(line);
  return lines;
}

TEST(Tokenizer, EncodesThePromptsAsTheAuthorsDid) {
  for (const auto& prompt : mmfree::test::reference_outputs()["prompts"]) {
    auto expected = prompt["ids"].get<std::vector<uint32_t>>();
    ASSERT_EQ(expected.front(), tokenizer().bos_id());
    expected.erase(expected.begin());  // encode() adds no BOS
    EXPECT_EQ(tokenizer().encode(prompt["text"].get<std::string>()), expected) << prompt["text"];
  }
}

TEST(Tokenizer, SpecialIdsAndVocabularyMatchTheModel) {
  EXPECT_EQ(tokenizer().vocab_size(), demo_model().config().vocab_size);
  EXPECT_EQ(tokenizer().bos_id(), demo_model().config().bos_token_id);
  EXPECT_EQ(tokenizer().eos_id(), demo_model().config().eos_token_id);
  EXPECT_TRUE(tokenizer().is_control(tokenizer().bos_id()));
  EXPECT_TRUE(tokenizer().is_unknown(tokenizer().unk_id()));
}

TEST(Tokenizer, RoundTripsHeldOutLinesAndNonAsciiText) {
  auto texts = heldout_lines(300);
  texts.push_back("h\xC3\xA9llo \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 caf\xC3\xA9");  // héllo 日本 😀 café
  for (const auto& text : texts) EXPECT_EQ(tokenizer().decode(tokenizer().encode(text)), text);
}

TEST(Tokenizer, UnseenCharactersFallBackToBytePieces) {
  const auto ids = tokenizer().encode("\xE6\x97\xA5");  // 日
  int byte_pieces = 0;
  for (uint32_t id : ids) byte_pieces += tokenizer().byte_value(id) >= 0;
  EXPECT_EQ(byte_pieces, 3);
  EXPECT_EQ(tokenizer().byte_value(tokenizer().bos_id()), -1);
}

TEST(Tokenizer, BadIdsAndBadModelsAreClearErrors) {
  const std::vector<uint32_t> bad = {1, tokenizer().vocab_size()};
  EXPECT_THROW(tokenizer().decode(bad), mmfree::UsageError);
  EXPECT_THROW(mmfree::Tokenizer("definitely not a sentencepiece model"), mmfree::ModelError);
  EXPECT_THROW(mmfree::Tokenizer(""), mmfree::ModelError);
}

TEST(HeldOutStream, WrapsEachLineInBosEosAndTruncates) {
  const auto& t = tokenizer();
  const auto stream = mmfree::heldout_token_stream(t, "The jury\n\nsaid so.\r\n", 0);
  std::vector<uint32_t> expected = {t.bos_id()};
  for (uint32_t id : t.encode("The jury")) expected.push_back(id);
  expected.push_back(t.eos_id());
  expected.push_back(t.bos_id());
  for (uint32_t id : t.encode("said so.")) expected.push_back(id);
  expected.push_back(t.eos_id());
  EXPECT_EQ(stream, expected);
  const auto truncated = mmfree::heldout_token_stream(t, "The jury\n\nsaid so.\r\n", 3);
  EXPECT_EQ(truncated, std::vector<uint32_t>(expected.begin(), expected.begin() + 3));
  EXPECT_THROW(mmfree::heldout_token_stream_from_file(t, "/nonexistent/file.txt", 0), mmfree::UsageError);
}

TEST(IdList, ParsesAndRejectsWithTheOffendingEntry) {
  EXPECT_EQ(mmfree::parse_id_list("1, 349,448", 4096), (std::vector<uint32_t>{1, 349, 448}));
  EXPECT_THROW(mmfree::parse_id_list("", 4096), mmfree::UsageError);
  EXPECT_THROW(mmfree::parse_id_list("1,,2", 4096), mmfree::UsageError);
  EXPECT_THROW(mmfree::parse_id_list("-1", 4096), mmfree::UsageError);
  try {
    mmfree::parse_id_list("1,abc", 4096);
    FAIL();
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("abc"), std::string::npos);
  }
  try {
    mmfree::parse_id_list("1,4096", 4096);
    FAIL();
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("4096"), std::string::npos);
  }
}

}  // namespace
