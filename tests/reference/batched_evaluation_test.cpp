// evaluate_next_token_batched (what `mmfree perplexity --threads N` runs on a device backend):
// several sequences of the stream fed through one Engine::decode call each step, on one engine,
// with the same result, bit for bit, as one sequence at a time.
// Cost: ~2 s (the demo model on the golden kernel, 2 x 700 tokens).
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "mmfree/backends.hpp"
#include "mmfree/engine.hpp"
#include "mmfree/error.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::test::demo_model;

std::vector<uint32_t> heldout_prefix(uint64_t tokens) {
  const mmfree::Tokenizer tokenizer(demo_model().tokenizer_model());
  return mmfree::heldout_token_stream_from_file(tokenizer, mmfree::test::heldout_text_path(), tokens);
}

// Forwards to a real engine and records what each decode() call carried; `slots` stands in
// for a device's state-slot count.
class RecordingEngine final : public mmfree::Engine {
 public:
  RecordingEngine(std::unique_ptr<mmfree::Engine> inner, unsigned slots) : inner_(std::move(inner)), slots_(slots) {}

  std::vector<std::size_t> batch_sizes;  // inputs per decode() call
  unsigned open_now = 0, most_open = 0;

  std::string_view name() const override { return inner_->name(); }
  const mmfree::ModelConfig& config() const override { return inner_->config(); }
  unsigned max_sequences() const override { return slots_; }
  mmfree::SequenceId open_sequence() override {
    most_open = std::max(most_open, ++open_now);
    return inner_->open_sequence();
  }
  void reset_sequence(mmfree::SequenceId s) override { inner_->reset_sequence(s); }
  void close_sequence(mmfree::SequenceId s) override {
    --open_now;
    inner_->close_sequence(s);
  }

 protected:
  bool is_open(mmfree::SequenceId) const override { return true; }  // the inner engine checks
  mmfree::DecodeResult run_batch(std::span<const mmfree::SequenceInput> batch, mmfree::Counters counters) override {
    batch_sizes.push_back(batch.size());
    return inner_->decode(batch, counters);
  }

 private:
  std::unique_ptr<mmfree::Engine> inner_;
  unsigned slots_;
};

// 700 tokens in sequences of 128: five full ones and one of 60, so groups of 4 are one full
// group and one part group, and the last sequence ends a call early.
TEST(BatchedEvaluation, EqualsOneSequenceAtATimeAndFeedsAGroupPerCall) {
  const auto tokens = heldout_prefix(700);
  ASSERT_EQ(tokens.size(), 700u);
  auto serial_engine = mmfree::make_engine("golden-kernel", demo_model());
  mmfree::Engine* engines[] = {serial_engine.get()};
  const auto serial = mmfree::reference::evaluate_next_token(engines, tokens, 128);

  RecordingEngine recording(mmfree::make_engine("golden-kernel", demo_model()), 8);
  uint64_t fed = 0;
  const auto batched =
      mmfree::reference::evaluate_next_token_batched(recording, tokens, 128, 4, [&](uint64_t n) { fed += n; });
  EXPECT_EQ(batched.predictions, serial.predictions);
  EXPECT_EQ(batched.predictions, 5u * 127u + 59u);
  EXPECT_EQ(batched.engines[0].nll_sum, serial.engines[0].nll_sum);
  EXPECT_EQ(batched.engines[0].top1_agreements, serial.engines[0].top1_agreements);
  EXPECT_EQ(fed, tokens.size());
  // 127 positions per sequence fit one call: one call per group, 4 sequences then 2.
  EXPECT_EQ(recording.batch_sizes, (std::vector<std::size_t>{4, 2}));
  EXPECT_EQ(recording.most_open, 4u);
  EXPECT_EQ(recording.open_now, 0u) << "every sequence it opened is closed again";
}

// A batch wider than the device's state slots is cut to the slots; long sequences go in
// calls of at most 256 positions.
TEST(BatchedEvaluation, NoMoreSequencesThanStateSlots) {
  const auto tokens = heldout_prefix(700);
  RecordingEngine recording(mmfree::make_engine("golden", demo_model()), 2);
  const auto batched = mmfree::reference::evaluate_next_token_batched(recording, tokens, 300, 16);
  auto serial_engine = mmfree::make_engine("golden", demo_model());
  mmfree::Engine* engines[] = {serial_engine.get()};
  const auto serial = mmfree::reference::evaluate_next_token(engines, tokens, 300);
  EXPECT_EQ(batched.engines[0].nll_sum, serial.engines[0].nll_sum);
  EXPECT_EQ(recording.most_open, 2u);
  // Sequences of 300, 300, 100: 299 positions are 256 + 43; the group {0, 1} takes two calls,
  // the group {2} one.
  EXPECT_EQ(recording.batch_sizes, (std::vector<std::size_t>{2, 2, 1}));
}

TEST(BatchedEvaluation, RejectsDegenerateInputs) {
  auto engine = mmfree::make_engine("golden", demo_model());
  const std::vector<uint32_t> tokens = {1, 349, 448};
  EXPECT_THROW(mmfree::reference::evaluate_next_token_batched(*engine, tokens, 1, 2), mmfree::UsageError);
  EXPECT_THROW(mmfree::reference::evaluate_next_token_batched(*engine, std::vector<uint32_t>{1}, 4, 2),
               mmfree::UsageError);
}

}  // namespace
