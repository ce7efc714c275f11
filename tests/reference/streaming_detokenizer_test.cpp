// Streaming detokenization: piece-by-piece output must add up to Tokenizer::decode().
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "mmfree/error.hpp"
#include "mmfree/tokenizer/streaming_detokenizer.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace {

const mmfree::Tokenizer& tokenizer() {
  static const mmfree::Tokenizer t(mmfree::test::demo_model().tokenizer_model());
  return t;
}

std::string stream(const std::vector<uint32_t>& ids) {
  mmfree::StreamingDetokenizer detokenizer(tokenizer());
  std::string text;
  for (uint32_t id : ids) text += detokenizer.push(id);
  return text + detokenizer.finish();
}

TEST(StreamingDetokenizer, EqualsDecodeOnTextWithBosAndEos) {
  std::ifstream file(mmfree::test::heldout_text_path());
  int lines = 0;
  for (std::string line; lines < 200 && std::getline(file, line); ++lines) {
    std::vector<uint32_t> ids = {tokenizer().bos_id()};
    for (uint32_t id : tokenizer().encode(line)) ids.push_back(id);
    ids.push_back(tokenizer().eos_id());
    ASSERT_EQ(stream(ids), tokenizer().decode(ids)) << line;
  }
}

TEST(StreamingDetokenizer, HoldsBackIncompleteUtf8UntilTheCharacterIsWhole) {
  const std::string text = "a \xE6\x97\xA5 b";  // a 日 b
  const auto ids = tokenizer().encode(text);
  mmfree::StreamingDetokenizer detokenizer(tokenizer());
  std::string shown;
  int bytes_seen = 0;
  for (uint32_t id : ids) {
    const std::string piece = detokenizer.push(id);
    if (tokenizer().byte_value(id) >= 0) {
      ++bytes_seen;
      // Nothing of the character may appear before its third byte, then all of it at once.
      EXPECT_EQ(piece, bytes_seen < 3 ? "" : "\xE6\x97\xA5");
    }
    shown += piece;
  }
  shown += detokenizer.finish();
  EXPECT_EQ(bytes_seen, 3);
  EXPECT_EQ(shown, text);
}

TEST(StreamingDetokenizer, EqualsDecodeOnRandomIdsIncludingBrokenByteSequences) {
  // Random mixes of byte pieces, control ids, <unk> and ordinary pieces exercise the
  // invalid-UTF-8 and leading-space rules that real generation can hit.
  std::mt19937 rng(1234);
  std::vector<uint32_t> byte_ids, other_ids;
  for (uint32_t id = 0; id < tokenizer().vocab_size(); ++id)
    (tokenizer().byte_value(id) >= 0 ? byte_ids : other_ids).push_back(id);
  ASSERT_EQ(byte_ids.size(), 256u);
  // Lead bytes of multi-byte characters make partial and complete characters likely.
  std::vector<uint32_t> lead_ids;
  for (uint32_t id : byte_ids)
    if (tokenizer().byte_value(id) >= 0xC2 && tokenizer().byte_value(id) <= 0xF4) lead_ids.push_back(id);
  std::vector<uint32_t> trail_ids(byte_ids.begin() + 0x80, byte_ids.begin() + 0xC0);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint32_t> ids;
    const int length = 1 + int(rng() % 12);
    for (int k = 0; k < length; ++k) {
      const unsigned kind = rng() % 10;
      if (kind < 3) ids.push_back(other_ids[rng() % other_ids.size()]);
      else if (kind < 5) ids.push_back(lead_ids[rng() % lead_ids.size()]);
      else if (kind < 8) ids.push_back(trail_ids[rng() % trail_ids.size()]);
      else if (kind < 9) ids.push_back(byte_ids[rng() % byte_ids.size()]);
      else ids.push_back(rng() % 3);  // <unk>, <s>, </s>
    }
    ASSERT_EQ(stream(ids), tokenizer().decode(ids)) << "trial " << trial;
  }
}

TEST(StreamingDetokenizer, ResetStartsANewTextAndBadIdsThrow) {
  const auto ids = tokenizer().encode("The jury");
  mmfree::StreamingDetokenizer detokenizer(tokenizer());
  std::string first;
  for (uint32_t id : ids) first += detokenizer.push(id);
  detokenizer.reset();
  std::string second;
  for (uint32_t id : ids) second += detokenizer.push(id);
  EXPECT_EQ(first, "The jury");
  EXPECT_EQ(second, first);
  EXPECT_THROW(detokenizer.push(tokenizer().vocab_size()), mmfree::UsageError);
}

}  // namespace
