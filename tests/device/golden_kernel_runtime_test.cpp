// The device runtime over the golden kernel model reproduces the "golden" engine bit for bit:
// through the image in device memory, the weight rows dealt over the ports, the state slots
// and the io buffer, for single steps, multi-token start commands and interleaved sequences.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"

namespace {

using mmfree::device::DeviceRuntime;
using mmfree::device::DeviceRuntimeOptions;
using mmfree::device::GoldenDeviceConfig;
using mmfree::device::make_golden_device;
using mmfree::Sequence;
using mmfree::test::demo_model;

constexpr std::size_t kTokens = 64;

const std::vector<uint32_t>& tokens() {
  static const auto t = mmfree::test::heldout_tokens(kTokens);
  return t;
}

const std::vector<std::vector<float>>& expected() {
  static const auto e = mmfree::test::golden_logits(tokens());
  return e;
}

// Exact equality of every logit, reporting the first difference.
void expect_identical(std::span<const float> actual, std::span<const float> wanted, const std::string& what) {
  ASSERT_EQ(actual.size(), wanted.size()) << what;
  for (std::size_t k = 0; k < actual.size(); ++k)
    if (std::memcmp(&actual[k], &wanted[k], sizeof(float)) != 0) {
      ADD_FAILURE() << what << ": logit " << k << " is " << actual[k] << ", golden has " << wanted[k];
      return;
    }
}

uint32_t argmax(std::span<const float> v) {
  return static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

std::shared_ptr<DeviceRuntime> golden_kernel_runtime(unsigned weight_ports, DeviceRuntimeOptions options = {}) {
  GoldenDeviceConfig config;
  config.weight_ports = weight_ports;
  return DeviceRuntime::create(demo_model(), make_golden_device(config), options);
}

std::unique_ptr<mmfree::Engine> golden_kernel_engine(unsigned weight_ports, DeviceRuntimeOptions options = {}) {
  return mmfree::device::make_device_engine("golden-kernel", golden_kernel_runtime(weight_ports, options));
}

TEST(GoldenKernelRuntime, HeldOutTextIsLongEnough) { ASSERT_EQ(tokens().size(), kTokens); }

TEST(GoldenKernelRuntime, StepsMatchGoldenEngineBitForBit) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  EXPECT_EQ(engine->name(), "golden-kernel");
  Sequence sequence(*engine);
  for (std::size_t t = 0; t < kTokens; ++t)
    expect_identical(sequence.step(tokens()[t]), expected()[t], "token " + std::to_string(t));
}

TEST(GoldenKernelRuntime, PrefillAsOneCommandMatchesStepping) {
  const auto runtime = golden_kernel_runtime(4);
  const auto engine = mmfree::device::make_device_engine("golden-kernel", runtime);
  Sequence sequence(*engine);
  const auto all = sequence.prefill_all_logits(tokens());
  const std::size_t vocab = demo_model().config().vocab_size;
  for (std::size_t t = 0; t < kTokens; ++t)
    expect_identical(all.subspan(t * vocab, vocab), expected()[t], "all-logits row " + std::to_string(t));
  // One start command ran all 64 tokens.
  bool found = false;
  for (const auto& c : runtime->read_counters())
    if (c.name == "tokens") {
      found = true;
      EXPECT_EQ(c.value, kTokens);
    }
  EXPECT_TRUE(found);

  sequence.reset();
  expect_identical(sequence.prefill(tokens()), expected().back(), "prefill's last logits");
}

TEST(GoldenKernelRuntime, LongPromptsAreSplitIntoSeveralCommands) {
  DeviceRuntimeOptions options;
  options.max_tokens_per_command = 7;  // 64 = 9 * 7 + 1: the state must carry across commands
  const auto engine = golden_kernel_engine(2, options);
  Sequence sequence(*engine, mmfree::Counters::Read);
  expect_identical(sequence.prefill(tokens()), expected().back(), "chunked prefill");
  // The call's counters are the sum over its ten start commands.
  EXPECT_EQ(mmfree::device::counter_value(sequence.counters(), "tokens"), kTokens);
  // And decoding continues from where the prefill left the slot.
  const auto continued = mmfree::test::golden_logits([] {
    auto t = tokens();
    t.push_back(tokens()[5]);
    return t;
  }());
  expect_identical(sequence.step(tokens()[5]), continued.back(), "step after prefill");
}

TEST(GoldenKernelRuntime, ResultIsIndependentOfTheNumberOfWeightPorts) {
  // P = 1 (the whole stream on one port), 3 (rows that do not divide evenly) and 32 (the
  // maximum): the dealing and the kernel's re-interleaving must undo each other exactly.
  for (const unsigned ports : {1u, 3u, 32u}) {
    const auto engine = golden_kernel_engine(ports);
    Sequence sequence(*engine);
    for (std::size_t t = 0; t < 8; ++t)
      expect_identical(sequence.step(tokens()[t]), expected()[t],
                       std::to_string(ports) + " ports, token " + std::to_string(t));
  }
}

TEST(GoldenKernelRuntime, SecondSequenceInAnotherSlotMatchesRunningAlone) {
  const auto engine = golden_kernel_engine(4);
  Sequence first(*engine), second(*engine);

  // The first sequence runs half the text; then the second starts on the other half while the
  // first continues, interleaved token by token: neither may see the other's state.
  const std::vector<uint32_t> first_half(tokens().begin(), tokens().begin() + kTokens / 2);
  const std::vector<uint32_t> second_half(tokens().begin() + kTokens / 2, tokens().end());
  const auto second_alone = mmfree::test::golden_logits(second_half);
  for (std::size_t t = 0; t < kTokens / 2; ++t) first.step(first_half[t]);
  for (std::size_t t = 0; t < kTokens / 2; ++t) {
    expect_identical(second.step(second_half[t]), second_alone[t], "second sequence, token " + std::to_string(t));
    // The first continues with the second half too: its logits are those of the whole text.
    expect_identical(first.step(second_half[t]), expected()[kTokens / 2 + t], "first sequence, token " +
                                                                                   std::to_string(kTokens / 2 + t));
  }
}

TEST(GoldenKernelRuntime, ResetStartsTheSequenceOver) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  Sequence sequence(*engine);
  for (std::size_t t = 0; t < 10; ++t) sequence.step(tokens()[t]);
  sequence.reset();
  for (std::size_t t = 0; t < 3; ++t)
    expect_identical(sequence.step(tokens()[t]), expected()[t], "after reset, token " + std::to_string(t));
}

TEST(GoldenKernelRuntime, ArgmaxOnlyStepsAgreeWithTheLogits) {
  const auto engine = golden_kernel_engine(4);
  Sequence sequence(*engine);
  for (std::size_t t = 0; t < 16; ++t)
    EXPECT_EQ(sequence.step_argmax(tokens()[t]), argmax(expected()[t])) << "token " << t;
}

TEST(GoldenKernelRuntime, SlotsRunOutAndAreReturned) {
  DeviceRuntimeOptions options;
  options.state_slots = 2;
  const auto engine = golden_kernel_engine(1, options);
  EXPECT_EQ(engine->max_sequences(), 2u);
  const auto a = engine->open_sequence();
  engine->open_sequence();
  try {
    engine->open_sequence();
    FAIL() << "a third sequence got a slot";
  } catch (const mmfree::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("all 2 state slots are in use"), std::string::npos) << e.what();
  }
  engine->close_sequence(a);
  // The freed slot serves a new sequence from its start.
  Sequence c(*engine);
  expect_identical(c.step(tokens()[0]), expected()[0], "a sequence in a returned slot");
}

TEST(GoldenKernelRuntime, TokenOutOfRangeIsAUsageErrorAndNothingRuns) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  Sequence sequence(*engine);
  try {
    sequence.step(demo_model().config().vocab_size);
    FAIL() << "no UsageError";
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("4096"), std::string::npos) << e.what();
  }
  expect_identical(sequence.step(tokens()[0]), expected()[0], "first token after the refused one");
}

TEST(GoldenKernelRuntime, ModelLargerThanTheKernelBuildIsRefused) {
  GoldenDeviceConfig config;
  config.max_hidden = 128;  // the demo model has d = 256
  try {
    DeviceRuntime::create(demo_model(), make_golden_device(config));
    FAIL() << "no DeviceError";
  } catch (const mmfree::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("MaxHidden=128"), std::string::npos) << e.what();
  }
}

TEST(GoldenKernelRuntime, XrtBackendWithoutXclbinIsADeviceError) {
  if (!MMFREE_BACKEND_XRT) GTEST_SKIP() << "this build has no XRT (-DMMFREE_BACKEND_XRT=OFF): no xrt backend";
  try {
    mmfree::make_engine("xrt", demo_model(), {{"xclbin", "/nonexistent/mmfree.xclbin"}});
    FAIL() << "no DeviceError";
  } catch (const mmfree::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace
