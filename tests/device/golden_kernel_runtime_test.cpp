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
#include "mmfree/device/device_runtime.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"

namespace {

using mmfree::device::DeviceRuntime;
using mmfree::device::DeviceRuntimeOptions;
using mmfree::device::GoldenDeviceConfig;
using mmfree::device::make_golden_device;
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

TEST(GoldenKernelRuntime, HeldOutTextIsLongEnough) { ASSERT_EQ(tokens().size(), kTokens); }

TEST(GoldenKernelRuntime, StepsMatchGoldenEngineBitForBit) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  EXPECT_EQ(engine->name(), "golden-kernel");
  for (std::size_t t = 0; t < kTokens; ++t)
    expect_identical(engine->step(tokens()[t]), expected()[t], "token " + std::to_string(t));
}

TEST(GoldenKernelRuntime, PrefillAsOneCommandMatchesStepping) {
  const auto runtime = golden_kernel_runtime(4);
  const auto sequence = runtime->open_sequence("golden-kernel");
  const auto all = sequence->prefill_all_logits(tokens());
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

  sequence->reset();
  expect_identical(sequence->prefill(tokens()), expected().back(), "prefill's last logits");
}

TEST(GoldenKernelRuntime, LongPromptsAreSplitIntoSeveralCommands) {
  DeviceRuntimeOptions options;
  options.max_tokens_per_command = 7;  // 64 = 9 * 7 + 1: the state must carry across commands
  const auto sequence = golden_kernel_runtime(2, options)->open_sequence("golden-kernel");
  expect_identical(sequence->prefill(tokens()), expected().back(), "chunked prefill");
  // And decoding continues from where the prefill left the slot.
  const auto continued = mmfree::test::golden_logits([] {
    auto t = tokens();
    t.push_back(tokens()[5]);
    return t;
  }());
  expect_identical(sequence->step(tokens()[5]), continued.back(), "step after prefill");
}

TEST(GoldenKernelRuntime, ResultIsIndependentOfTheNumberOfWeightPorts) {
  // P = 1 (the whole stream on one port), 3 (rows that do not divide evenly) and 32 (the
  // maximum): the dealing and the kernel's re-interleaving must undo each other exactly.
  for (const unsigned ports : {1u, 3u, 32u}) {
    const auto sequence = golden_kernel_runtime(ports)->open_sequence("golden-kernel");
    for (std::size_t t = 0; t < 8; ++t)
      expect_identical(sequence->step(tokens()[t]), expected()[t],
                       std::to_string(ports) + " ports, token " + std::to_string(t));
  }
}

TEST(GoldenKernelRuntime, SecondSequenceInAnotherSlotMatchesRunningAlone) {
  const auto runtime = golden_kernel_runtime(4);
  const auto first = runtime->open_sequence("first");
  const auto second = runtime->open_sequence("second");
  EXPECT_NE(first->slot(), second->slot());

  // The first sequence runs half the text; then the second starts on the other half while the
  // first continues, interleaved token by token: neither may see the other's state.
  const std::vector<uint32_t> first_half(tokens().begin(), tokens().begin() + kTokens / 2);
  const std::vector<uint32_t> second_half(tokens().begin() + kTokens / 2, tokens().end());
  const auto second_alone = mmfree::test::golden_logits(second_half);
  for (std::size_t t = 0; t < kTokens / 2; ++t) first->step(first_half[t]);
  for (std::size_t t = 0; t < kTokens / 2; ++t) {
    expect_identical(second->step(second_half[t]), second_alone[t], "second sequence, token " + std::to_string(t));
    // The first continues with the second half too: its logits are those of the whole text.
    expect_identical(first->step(second_half[t]), expected()[kTokens / 2 + t], "first sequence, token " +
                                                                                   std::to_string(kTokens / 2 + t));
  }
}

TEST(GoldenKernelRuntime, ResetStartsTheSequenceOver) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  for (std::size_t t = 0; t < 10; ++t) engine->step(tokens()[t]);
  engine->reset();
  for (std::size_t t = 0; t < 3; ++t)
    expect_identical(engine->step(tokens()[t]), expected()[t], "after reset, token " + std::to_string(t));
}

TEST(GoldenKernelRuntime, ArgmaxOnlyStepsAgreeWithTheLogits) {
  const auto sequence = golden_kernel_runtime(4)->open_sequence("golden-kernel");
  for (std::size_t t = 0; t < 16; ++t)
    EXPECT_EQ(sequence->step_argmax(tokens()[t]), argmax(expected()[t])) << "token " << t;
}

TEST(GoldenKernelRuntime, SlotsRunOutAndAreReturned) {
  DeviceRuntimeOptions options;
  options.state_slots = 2;
  const auto runtime = golden_kernel_runtime(1, options);
  auto a = runtime->open_sequence("a");
  auto b = runtime->open_sequence("b");
  EXPECT_THROW(runtime->open_sequence("c"), mmfree::DeviceError);
  const unsigned freed = a->slot();
  a.reset();
  const auto c = runtime->open_sequence("c");
  EXPECT_EQ(c->slot(), freed);
}

TEST(GoldenKernelRuntime, TokenOutOfRangeIsAUsageErrorAndNothingRuns) {
  const auto engine = mmfree::make_engine("golden-kernel", demo_model());
  try {
    engine->step(demo_model().config().vocab_size);
    FAIL() << "no UsageError";
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("4096"), std::string::npos) << e.what();
  }
  expect_identical(engine->step(tokens()[0]), expected()[0], "first token after the refused one");
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
  mmfree::EngineOptions options;
  options.xclbin = "/nonexistent/mmfree.xclbin";
  try {
    mmfree::make_engine("xrt", demo_model(), options);
    FAIL() << "no DeviceError";
  } catch (const mmfree::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace
