// The batch-first Engine API (engine.hpp) on the CPU backends and the device runtime over the
// golden kernel model: several sequences in one call give the bits each gives alone, the
// output modes, argmax-only outputs, counters summed over a call's commands, and the errors
// for bad handles, bad batches and exhausted device slots.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"
#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/sequence.hpp"

namespace {

using mmfree::Counters;
using mmfree::DecodeResult;
using mmfree::Engine;
using mmfree::OutputKind;
using mmfree::Outputs;
using mmfree::SequenceId;
using mmfree::SequenceInput;
using mmfree::test::demo_model;

const std::vector<uint32_t>& text() {
  static const auto t = mmfree::test::heldout_tokens(48);
  return t;
}

// Three different streams of different lengths from the held-out text.
std::vector<std::span<const uint32_t>> streams() {
  const std::span<const uint32_t> all(text());
  return {all.subspan(0, 11), all.subspan(11, 19), all.subspan(30, 5)};
}

bool bit_identical(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

uint32_t argmax(std::span<const float> v) {
  return static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// A fresh engine of the backend that runs one sequence the plain way: on golden-kernel a
// one-lane kernel (one token per weight pass), so that "alone" shares no pass with anything,
// not even with the sequence's own other tokens (a chain).
std::unique_ptr<Engine> make_alone_engine(const std::string& backend) {
  if (backend == "golden-kernel") return mmfree::make_engine(backend, demo_model(), {{"batch-lanes", "1"}});
  return mmfree::make_engine(backend, demo_model());
}

// Each stream alone on a fresh engine of the backend, all logits.
std::vector<std::vector<float>> alone(const std::string& backend) {
  std::vector<std::vector<float>> out;
  for (const auto stream : streams()) {
    const auto engine = make_alone_engine(backend);
    mmfree::Sequence sequence(*engine);
    const auto logits = sequence.prefill_all_logits(stream);
    out.emplace_back(logits.begin(), logits.end());
  }
  return out;
}

class BatchApi : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Engine> engine_ = mmfree::make_engine(GetParam(), demo_model());
};

TEST_P(BatchApi, SeveralSequencesInOneCallEqualEachAlone) {
  const auto expected = alone(GetParam());
  const auto s = streams();
  std::vector<SequenceInput> batch;
  for (const auto stream : s) batch.push_back({engine_->open_sequence(), stream, Outputs::All, OutputKind::Logits});
  const DecodeResult result = engine_->decode(batch);
  ASSERT_EQ(result.outputs.size(), s.size());
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto& out = result.outputs[k];
    EXPECT_EQ(out.sequence, batch[k].sequence);
    ASSERT_EQ(out.rows(), s[k].size());
    EXPECT_TRUE(bit_identical(out.logits, expected[k])) << "sequence " << k << " differs from running alone";
  }
  // And they go on independently: one more token each, in another order, one call.
  std::vector<SequenceInput> next;
  for (std::size_t k = s.size(); k-- > 0;)
    next.push_back({batch[k].sequence, std::span<const uint32_t>(text()).subspan(40 + k, 1)});
  const DecodeResult more = engine_->decode(next);
  for (std::size_t j = 0; j < next.size(); ++j) {
    const std::size_t k = s.size() - 1 - j;
    std::vector<uint32_t> whole(s[k].begin(), s[k].end());
    whole.push_back(text()[40 + k]);
    const auto fresh = make_alone_engine(GetParam());
    mmfree::Sequence sequence(*fresh);
    EXPECT_TRUE(bit_identical(more.outputs[j].row(0), sequence.prefill(whole))) << "sequence " << k;
  }
}

TEST_P(BatchApi, OutputModesNoneLastAll) {
  const auto stream = streams()[0];
  const SequenceId id = engine_->open_sequence();
  const SequenceInput all_input{id, stream, Outputs::All, OutputKind::Logits};
  const auto all = engine_->decode(std::span(&all_input, 1)).outputs.front();
  ASSERT_EQ(all.rows(), stream.size());
  EXPECT_EQ(all.first_position, 0u);
  EXPECT_EQ(all.logits.size(), stream.size() * demo_model().config().vocab_size);

  engine_->reset_sequence(id);
  const SequenceInput last_input{id, stream, Outputs::Last, OutputKind::Logits};
  const auto last = engine_->decode(std::span(&last_input, 1)).outputs.front();
  ASSERT_EQ(last.rows(), 1u);
  EXPECT_EQ(last.first_position, stream.size() - 1);
  EXPECT_TRUE(bit_identical(last.row(0), all.row(stream.size() - 1)));

  // None advances the state and returns nothing: a Last call after it continues the stream.
  engine_->reset_sequence(id);
  const SequenceInput none_input{id, stream.first(stream.size() - 1), Outputs::None, OutputKind::Logits};
  const auto none = engine_->decode(std::span(&none_input, 1)).outputs.front();
  EXPECT_EQ(none.rows(), 0u);
  EXPECT_TRUE(none.logits.empty());
  const SequenceInput tail{id, stream.last(1), Outputs::Last, OutputKind::Logits};
  EXPECT_TRUE(bit_identical(engine_->decode(std::span(&tail, 1)).outputs.front().row(0), all.row(stream.size() - 1)));
}

TEST_P(BatchApi, ArgmaxOnlyIsTheArgmaxOfTheLogits) {
  const auto stream = streams()[1];
  const SequenceId a = engine_->open_sequence(), b = engine_->open_sequence();
  const std::vector<SequenceInput> batch = {{a, stream, Outputs::All, OutputKind::Logits},
                                            {b, stream, Outputs::All, OutputKind::Argmax}};
  const auto result = engine_->decode(batch);
  const auto& logits = result.outputs[0];
  const auto& argmax_only = result.outputs[1];
  EXPECT_TRUE(argmax_only.logits.empty());
  ASSERT_EQ(argmax_only.rows(), stream.size());
  for (std::size_t t = 0; t < stream.size(); ++t) {
    EXPECT_EQ(argmax_only.argmax[t], argmax(logits.row(t))) << "position " << t;
    EXPECT_EQ(logits.argmax[t], argmax(logits.row(t))) << "position " << t;
  }
  // Last + argmax: one row, the last position's.
  engine_->reset_sequence(b);
  const SequenceInput last{b, stream, Outputs::Last, OutputKind::Argmax};
  EXPECT_EQ(engine_->decode(std::span(&last, 1)).outputs.front().argmax,
            std::vector<uint32_t>{argmax(logits.row(stream.size() - 1))});
}

TEST_P(BatchApi, BadHandlesAndBatchesAreUsageErrorsAndNothingRuns) {
  const auto stream = streams()[2];
  const SequenceId open = engine_->open_sequence();
  const SequenceId closed = engine_->open_sequence();
  engine_->close_sequence(closed);
  const auto expect_usage_error = [&](std::vector<SequenceInput> batch, const std::string& part) {
    try {
      engine_->decode(batch);
      ADD_FAILURE() << "no UsageError for a batch that should say '" << part << "'";
    } catch (const mmfree::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  const uint32_t vocab = demo_model().config().vocab_size;
  const std::vector<uint32_t> bad_token = {stream[0], vocab};
  expect_usage_error({{closed, stream}}, "is not open on backend '" + GetParam() + "'");
  expect_usage_error({{SequenceId{12345}, stream}}, "sequence 12345 is not open");
  expect_usage_error({}, "names no sequence");
  expect_usage_error({{open, stream}, {open, stream}}, "appears twice in one batch");
  expect_usage_error({{open, {}}}, "has no tokens");
  // A bad token anywhere refuses the whole batch: the open sequence did not advance either.
  expect_usage_error({{open, stream}, {engine_->open_sequence(), bad_token}}, "token id 4096 is out of range");
  EXPECT_THROW(engine_->reset_sequence(closed), mmfree::UsageError);
  EXPECT_THROW(engine_->close_sequence(closed), mmfree::UsageError);

  const SequenceInput input{open, stream, Outputs::All, OutputKind::Logits};
  const auto after = engine_->decode(std::span(&input, 1)).outputs.front();
  EXPECT_TRUE(bit_identical(after.logits, alone(GetParam())[2])) << "a refused batch changed the state";
}

INSTANTIATE_TEST_SUITE_P(Backends, BatchApi, ::testing::Values("reference", "golden", "golden-kernel"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(BatchApiOnDevice, CountersAreSummedOverTheCommandsOfACall) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  const auto s = streams();
  std::vector<SequenceInput> batch;
  std::size_t tokens = 0;
  for (const auto stream : s) {
    batch.push_back({engine->open_sequence(), stream, Outputs::Last, OutputKind::Argmax});
    tokens += stream.size();
  }
  EXPECT_EQ(mmfree::device::counter_value(engine->decode(batch, Counters::Read).counters, "tokens"), tokens);
  EXPECT_TRUE(engine->decode(batch).counters.empty()) << "counters are read only when asked for";
}

TEST(BatchApiOnDevice, SequencesBeyondTheStateSlotsAreRefused) {
  mmfree::device::DeviceRuntimeOptions options;
  options.state_slots = 3;
  const auto engine =
      mmfree::device::make_device_engine("golden-kernel", demo_model(), mmfree::device::make_golden_device(), options);
  std::vector<SequenceId> ids;
  for (int k = 0; k < 3; ++k) ids.push_back(engine->open_sequence());
  try {
    engine->open_sequence();
    FAIL() << "a fourth sequence got a slot";
  } catch (const mmfree::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("all 3 state slots are in use (close a sequence first)"), std::string::npos)
        << e.what();
  }
  engine->close_sequence(ids[1]);
  EXPECT_NO_THROW(engine->open_sequence());
}

TEST(BatchApiOnDevice, CpuBackendsHaveNoSelftest) {
  const auto engine = mmfree::make_engine("golden", demo_model());
  const std::vector<int8_t> qd(256), qi(demo_model().config().intermediate_size);
  EXPECT_THROW(engine->run_matvec_selftest(qd, qi), mmfree::UsageError);
}

TEST(BackendOptions, AnOptionTheBackendDoesNotTakeIsAUsageErrorNamingBoth) {
  try {
    mmfree::make_engine("golden", demo_model(), {{"memory", "hbm"}});
    FAIL() << "golden took --memory";
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--memory is not an option of backend 'golden'"), std::string::npos)
        << e.what();
  }
  try {
    mmfree::make_engine("golden-kernel", demo_model(), {{"timeout", "soon"}});
    FAIL() << "a timeout that is not a number was taken";
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("('soon') for option '--timeout' is invalid"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(mmfree::make_engine("golden-kernel", demo_model(), {{"timeout", "5"}}));
}

}  // namespace
