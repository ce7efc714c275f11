// The golden kernel model's batched command at the register level (docs/device.md, Lanes and
// chains): the io layout of N passes over K lanes written where the contract says, the
// accept-time checks (every status error leaves every byte of io and state as it was), a bad
// token stopping at its pass, and the counters of a batched command.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/contract.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "runtime/logit_words.hpp"

namespace {

namespace regmap = mmfree::regmap;
namespace contract = mmfree::contract;
using mmfree::device::Buffer;
using mmfree::device::Device;
using mmfree::device::DeviceRuntime;
using mmfree::device::GoldenDeviceConfig;
using mmfree::device::make_golden_device;
using mmfree::test::demo_model;

constexpr unsigned kSlots = 5;

uint64_t counter(Device& device, const std::string& name) {
  for (const auto& c : device.read_counters())
    if (c.name == name) return c.value;
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

uint32_t argmax_of(const std::vector<float>& v) {
  return static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// The demo model loaded by the runtime on a golden kernel of B lanes, plus state and io
// buffers of our own, filled with a pattern, to drive commands by hand and see every byte.
class GoldenKernelLanes : public ::testing::Test {
 protected:
  void make(unsigned lanes) {
    GoldenDeviceConfig config;
    config.batch_lanes = lanes;
    runtime_ = DeviceRuntime::create(demo_model(), make_golden_device(config));
    device_ = &runtime_->device();
    const auto& c = demo_model().config();
    slot_bytes_ = contract::state_slot_bytes(c.num_layers, c.hidden_size);
    vocab_ = c.vocab_size;
    state_ = device_->allocate(kSlots * slot_bytes_, "state");
    io_ = device_->allocate(kIoBytes, "io");
    set64(regmap::state::kOffset, state_.address);
    set64(regmap::io::kOffset, io_.address);
    device_->write_register(regmap::num_slots::kOffset, kSlots);
    fill();
  }

  void set64(uint32_t offset, uint64_t value) {
    device_->write_register(offset, static_cast<uint32_t>(value));
    device_->write_register(offset + 4, static_cast<uint32_t>(value >> 32));
  }

  // Every byte of state and io a known pattern.
  void fill() {
    std::vector<std::byte> pattern(kSlots * slot_bytes_);
    for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = std::byte(i * 7 + 3);
    device_->write(state_, 0, pattern);
    std::vector<std::byte> io(kIoBytes);
    for (std::size_t i = 0; i < io.size(); ++i) io[i] = std::byte(i * 13 + 1);
    device_->write(io_, 0, io);
  }
  std::vector<std::byte> bytes(const Buffer& b) {
    std::vector<std::byte> out(b.size);
    device_->read(b, 0, out);
    return out;
  }

  // Writes the tokens (pass t, lane k at t*K + k) and the lane arguments and starts; returns status.
  uint32_t run(uint32_t passes, const std::vector<uint32_t>& slots, const std::vector<uint32_t>& tokens,
               uint32_t reset, uint32_t flags) {
    if (!tokens.empty()) device_->write_span<uint32_t>(io_, 0, tokens);
    device_->write_register(regmap::num_tokens::kOffset, passes);
    device_->write_register(regmap::num_lanes::kOffset, static_cast<uint32_t>(slots.size()));
    for (std::size_t k = 0; k < slots.size(); ++k) device_->write_register(regmap::lane_slot_offset(k), slots[k]);
    device_->write_register(regmap::lane_reset::kOffset, reset);
    device_->write_register(regmap::flags::kOffset, flags);
    device_->start();
    EXPECT_TRUE(device_->read_register(regmap::ctrl::kOffset) & regmap::ctrl::kApDone);
    return device_->read_register(regmap::status::kOffset);
  }

  uint32_t word(uint64_t offset) {
    uint32_t w;
    device_->read_span<uint32_t>(io_, offset, std::span<uint32_t>(&w, 1));
    return w;
  }
  // A logits row of io: int32 words in format A, as floats the way the runtime converts them.
  std::vector<float> logits_row(uint64_t offset) {
    std::vector<uint32_t> words(vocab_);
    device_->read_span<uint32_t>(io_, offset, std::span<uint32_t>(words));
    std::vector<float> row(vocab_);
    mmfree::device::logit_words_to_float(words, row);
    return row;
  }

  static constexpr std::size_t kIoBytes = 256 * 1024;
  std::shared_ptr<DeviceRuntime> runtime_;
  Device* device_ = nullptr;
  Buffer state_, io_;
  uint64_t slot_bytes_ = 0;
  uint32_t vocab_ = 0;
};

TEST_F(GoldenKernelLanes, HardwareLanesRegisterReportsB) {
  for (unsigned b : {1u, 4u, 16u}) {
    make(b);
    EXPECT_EQ(device_->read_register(regmap::hw_batch_lanes::kOffset), b);
    EXPECT_EQ(runtime_->batch_lanes(), b);
  }
  EXPECT_THROW(make_golden_device({.batch_lanes = 0}), mmfree::DeviceError);
  EXPECT_THROW(make_golden_device({.batch_lanes = 17}), mmfree::DeviceError);
}

TEST_F(GoldenKernelLanes, IoLayoutOfTwoPassesOverThreeLanes) {
  // Lanes 0 and 2 decode sequences (slots 1 and 3), lane 1 alone on slot 0; all logits.
  make(4);
  const std::vector<uint32_t> tokens = {1, 7, 300, 2, 8, 301};  // [t][k]
  ASSERT_EQ(run(2, {1, 0, 3}, tokens, 0b111, regmap::flags::kAllLogits), 0u);
  const uint64_t t_bytes = contract::io_tokens_bytes(2, 3);
  ASSERT_EQ(t_bytes, 64u);
  const auto golden = [&](unsigned k) { return mmfree::test::golden_logits({tokens[k], tokens[3 + k]}); };
  for (unsigned k = 0; k < 3; ++k) {
    const auto expected = golden(k);
    for (unsigned t = 0; t < 2; ++t) {
      const uint64_t row = t * 3 + k;
      const auto got = logits_row(2 * t_bytes + row * contract::io_logit_stride(vocab_));
      EXPECT_EQ(std::memcmp(got.data(), expected[t].data(), vocab_ * sizeof(float)), 0) << "t " << t << " k " << k;
      EXPECT_EQ(word(t_bytes + 4 * row), argmax_of(expected[t])) << "t " << t << " k " << k;
    }
  }
  EXPECT_EQ(counter(*device_, "tokens"), 6u);
  const auto desc = mmfree::mmf::read_device_descriptor(demo_model().image());
  EXPECT_EQ(counter(*device_, "weight_bytes"), 2 * desc.weights_bytes) << "the weights once per pass";
  // The arrays take rows in 256-column beats whatever the image's encoding: count the weights
  // (with each row's zero padding to a whole beat) from the shape, not from the image's bytes.
  const auto& c = demo_model().config();
  const auto padded = [](uint64_t columns) { return (columns + 255) / 256 * 256; };
  const uint64_t weights_per_pass =
      uint64_t{c.num_layers} * ((4 * uint64_t{c.hidden_size} + 2 * uint64_t{c.intermediate_size}) * padded(c.hidden_size) +
                                uint64_t{c.hidden_size} * padded(c.intermediate_size)) +
      uint64_t{c.vocab_size} * padded(c.hidden_size);
  EXPECT_EQ(counter(*device_, "ternary_ops"), 2 * weights_per_pass * 3) << "each weight applied to 3 lanes";
}

TEST_F(GoldenKernelLanes, DefaultLogitsAreOneRowPerLaneAfterTheLastPass) {
  make(4);
  const std::vector<uint32_t> tokens = {5, 9, 6, 10, 7, 11};  // lanes: slot 2, slot 4; 3 passes
  ASSERT_EQ(run(3, {2, 4}, tokens, 0b11, 0), 0u);
  const uint64_t t_bytes = contract::io_tokens_bytes(3, 2);
  for (unsigned k = 0; k < 2; ++k) {
    const auto expected = mmfree::test::golden_logits({tokens[k], tokens[2 + k], tokens[4 + k]});
    const auto got = logits_row(2 * t_bytes + k * contract::io_logit_stride(vocab_));
    EXPECT_EQ(std::memcmp(got.data(), expected[2].data(), vocab_ * sizeof(float)), 0) << "lane " << k;
  }
  // Row 2 (what all_logits would add) is not written: the pattern is still there.
  const auto before = bytes(io_);
  fill();
  const auto pattern = bytes(io_);
  const uint64_t row2 = 2 * t_bytes + 2 * contract::io_logit_stride(vocab_);
  EXPECT_TRUE(std::equal(before.begin() + row2, before.begin() + row2 + 4 * vocab_, pattern.begin() + row2));
}

TEST_F(GoldenKernelLanes, AChainIsTheSequenceTokenAfterToken) {
  // One chain of 3 lanes on slot 1 for 2 passes: the sequence's tokens 0..5 are
  // tokens[t][j] = sequence[3t + j]; every lane-token's logits are the sequence's.
  make(3);
  const std::vector<uint32_t> sequence = {1, 40, 41, 42, 43, 44};
  ASSERT_EQ(run(2, {1, 1, 1}, sequence, 0b001, regmap::flags::kAllLogits), 0u);
  const auto expected = mmfree::test::golden_logits(sequence);
  const uint64_t t_bytes = contract::io_tokens_bytes(2, 3);
  for (unsigned i = 0; i < 6; ++i) {
    const auto got = logits_row(2 * t_bytes + i * contract::io_logit_stride(vocab_));
    EXPECT_EQ(std::memcmp(got.data(), expected[i].data(), vocab_ * sizeof(float)), 0) << "token " << i;
  }
}

TEST_F(GoldenKernelLanes, EveryStatusErrorWritesNothing) {
  struct Case {
    const char* what;
    uint32_t passes;
    std::vector<uint32_t> slots;
    uint32_t reset;
    uint32_t status;
  };
  const uint32_t args = regmap::status::kBadArguments, slot = regmap::status::kBadSlot;
  const std::vector<Case> cases = {
      {"N = 0", 0, {0}, 1, args},
      {"K = 0", 1, {}, 0, args},
      {"K > B", 1, {0, 1, 2, 3, 4}, 0, args},
      {"slot = num_slots", 1, {0, kSlots}, 0, slot},
      {"slot far beyond", 1, {0xFFFFFFFFu}, 1, slot},
      {"slot repeated, not adjacent", 1, {2, 3, 2}, 0, slot},
      {"a chain interrupted", 1, {1, 1, 0, 1}, 0, slot},
      {"reset on a chained lane", 1, {1, 1}, 0b10, args},
      {"reset on a chained lane and a bad slot", 1, {1, 1, kSlots}, 0b10, args | slot},
  };
  make(4);
  const auto state_before = bytes(state_);
  const auto io_before = bytes(io_);
  for (const Case& c : cases) {
    // No tokens written: the io pattern must survive whole (its words are not valid tokens
    // anyway, so a kernel that went on would stop at bad_token, having written the resets).
    EXPECT_EQ(run(c.passes, c.slots, {}, c.reset, 0), c.status) << c.what;
    EXPECT_EQ(bytes(state_), state_before) << c.what << ": state written";
    EXPECT_EQ(bytes(io_), io_before) << c.what << ": io written";
    EXPECT_EQ(counter(*device_, "tokens"), 0u) << c.what;
    EXPECT_EQ(counter(*device_, "weight_bytes"), 0u) << c.what;
  }
  // The same lanes with good arguments do run (the checks are not refusing everything).
  EXPECT_EQ(run(1, {1, 1, 0}, {3, 4, 5}, 0b101, 0), 0u);
  EXPECT_NE(bytes(state_), state_before);
}

TEST_F(GoldenKernelLanes, ABadTokenStopsAtItsPassBeforeItWritesAnything) {
  make(2);
  // Pass 0 good, pass 1 has a bad token on lane 1: pass 0's argmax and slots written, nothing of pass 1.
  const std::vector<uint32_t> tokens = {3, 4, 5, vocab_};
  ASSERT_EQ(run(2, {0, 2}, tokens, 0b11, regmap::flags::kNoLogits), regmap::status::kBadToken);
  const uint64_t t_bytes = contract::io_tokens_bytes(2, 2);
  EXPECT_EQ(word(t_bytes + 0), argmax_of(mmfree::test::golden_logits({3})[0]));
  EXPECT_EQ(word(t_bytes + 4), argmax_of(mmfree::test::golden_logits({4})[0]));
  const auto io = bytes(io_);
  fill();
  const auto pattern = bytes(io_);
  EXPECT_TRUE(std::equal(io.begin() + t_bytes + 8, io.begin() + t_bytes + 16, pattern.begin() + t_bytes + 8))
      << "pass 1's argmax words were written";
  EXPECT_EQ(counter(*device_, "tokens"), 2u);
}

}  // namespace

namespace {

// The runtime refuses, before anything reaches the device, every command the kernel would
// refuse, naming the problem; a good command after them still runs.
TEST(RuntimeLanes, CommandsTheKernelWouldRefuseAreUsageErrors) {
  mmfree::device::DeviceRuntimeOptions options;
  options.state_slots = 4;
  options.max_tokens_per_command = 8;
  const auto runtime =
      DeviceRuntime::create(demo_model(), make_golden_device({.batch_lanes = 4}), options);
  const auto expect_refused = [&](const mmfree::device::LaneCommand& command, const std::string& part) {
    std::vector<uint32_t> argmax(command.tokens.size());
    try {
      runtime->run_lanes(command, argmax);
      ADD_FAILURE() << "no UsageError for a command that should say '" << part << "'";
    } catch (const mmfree::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  using mmfree::device::LaneCommand;
  const uint32_t vocab = demo_model().config().vocab_size;
  expect_refused(LaneCommand{{}, 0, 1, {}}, "0 lanes in one command, this kernel takes 1..4");
  expect_refused(LaneCommand{{0, 1, 2, 3, 0}, 0, 1, {1, 1, 1, 1, 1}}, "5 lanes in one command");
  expect_refused(LaneCommand{{0}, 1, 0, {}}, "at least one pass");
  expect_refused(LaneCommand{{0, 1}, 3, 5, std::vector<uint32_t>(10, 1)}, "10 lane-tokens in one command exceed");
  expect_refused(LaneCommand{{0, 4}, 3, 1, {1, 1}}, "state slot 4 does not exist");
  expect_refused(LaneCommand{{1, 0, 1}, 7, 1, {1, 1, 1}}, "repeat a slot that is not their neighbour's");
  expect_refused(LaneCommand{{2, 2}, 3, 1, {1, 1}}, "reset a lane that continues a chain");
  expect_refused(LaneCommand{{0, 1}, 3, 1, {1, vocab}}, "token id 4096 is out of range");
  std::vector<float> row(vocab);
  EXPECT_THROW(runtime->read_logits(0, row), mmfree::UsageError) << "no command ran yet";

  // A good mixed command: a chain of two on slot 2 and a decoding lane on slot 0.
  LaneCommand good{{2, 2, 0}, 0b101, 2, {1, 50, 1, 51, 52, 60}, mmfree::device::LogitsMode::Last};
  std::vector<uint32_t> argmax(6);
  runtime->run_lanes(good, argmax);
  EXPECT_NO_THROW(runtime->read_logits(2, row));
  EXPECT_THROW(runtime->read_logits(3, row), mmfree::UsageError) << "Last: K rows";
  // Slot 2 holds the sequence 1, 50, 51, 52 (tokens [t][k] = sequence[2t + k]); slot 0 holds 1, 60.
  const auto expected = mmfree::test::golden_logits({1, 50, 51, 52});
  runtime->read_logits(1, row);
  EXPECT_EQ(std::memcmp(row.data(), expected[3].data(), vocab * sizeof(float)), 0);
  EXPECT_EQ(argmax[0], argmax_of(expected[0]));
  EXPECT_EQ(argmax[3], argmax_of(expected[2]));
  runtime->read_logits(2, row);
  const auto other = mmfree::test::golden_logits({1, 60});
  EXPECT_EQ(std::memcmp(row.data(), other[1].data(), vocab * sizeof(float)), 0);
}

}  // namespace
