// The reference engine through the Engine interface: state, reset, errors, the backend list.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "mmfree/backends.hpp"
#include "mmfree/error.hpp"
#include "mmfree/sequence.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::test::demo_model;

std::vector<float> feed(mmfree::Sequence& sequence, const std::vector<uint32_t>& ids) {
  std::span<const float> logits;
  for (uint32_t id : ids) logits = sequence.step(id);
  return {logits.begin(), logits.end()};
}

TEST(ReferenceEngine, FactoryKnowsItByName) {
  const auto names = mmfree::engine_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "reference"), names.end());
  const auto engine = mmfree::make_engine("reference", demo_model());
  EXPECT_EQ(engine->name(), "reference");
}

TEST(ReferenceEngine, UnknownBackendIsAUsageErrorNamingIt) {
  try {
    mmfree::make_engine("no-such-backend", demo_model());
    FAIL() << "expected UsageError";
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-backend"), std::string::npos) << e.what();
  }
}

TEST(ReferenceEngine, ResetReturnsToTheZeroState) {
  auto engine = mmfree::make_engine("reference", demo_model());
  mmfree::Sequence fresh(*engine);
  const auto expected = feed(fresh, {1, 349, 448});

  mmfree::Sequence reused(*engine);
  const auto before_reset = feed(reused, {1, 492, 263, 1, 349, 448});
  EXPECT_NE(before_reset, expected) << "the state should carry context across steps";
  reused.reset();
  EXPECT_EQ(feed(reused, {1, 349, 448}), expected);
}

TEST(ReferenceEngine, LogitsCoverTheVocabularyAndAreFinite) {
  auto engine = mmfree::make_engine("reference", demo_model());
  mmfree::Sequence sequence(*engine);
  const auto logits = feed(sequence, {1, 349});
  ASSERT_EQ(logits.size(), demo_model().config().vocab_size);
  for (float v : logits) ASSERT_TRUE(std::isfinite(v));
}

TEST(ReferenceEngine, TokenOutOfRangeIsAUsageError) {
  auto engine = mmfree::make_engine("reference", demo_model());
  mmfree::Sequence sequence(*engine);
  EXPECT_THROW(sequence.step(demo_model().config().vocab_size), mmfree::UsageError);
}

}  // namespace
