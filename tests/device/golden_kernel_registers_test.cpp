// The golden kernel model seen from the bus: the register file behaves per ap_ctrl_hs and
// docs/registers.md, commands end with the status docs/device.md prescribes, the counters
// count what was streamed, and misuse of the Device API is a DeviceError.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/regmap.hpp"

namespace {

namespace regmap = mmfree::regmap;
using mmfree::DeviceError;
using mmfree::device::Buffer;
using mmfree::device::Device;
using mmfree::device::DeviceRuntime;
using mmfree::device::make_golden_device;
using mmfree::test::demo_model;

constexpr uint32_t kCtrl = regmap::ctrl::kOffset;
constexpr uint32_t kNotWritten = 0xDEADBEEF;

uint64_t counter(Device& device, const std::string& name) {
  for (const auto& c : device.read_counters())
    if (c.name == name) return c.value;
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

// A golden kernel with the demo model loaded by the runtime (params, weights, state and the
// buffer arguments in place), plus an io buffer of our own to drive commands by hand.
class GoldenKernelRegisters : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime_ = DeviceRuntime::create(demo_model(), make_golden_device());
    device_ = &runtime_->device();
    io_ = device_->allocate(64 * 1024, "io");
    device_->write_register(regmap::io::kOffset, static_cast<uint32_t>(io_.address));
    device_->write_register(regmap::io::kOffset + 4, static_cast<uint32_t>(io_.address >> 32));
    device_->read_register(kCtrl);  // clear the done/ready of anything before
  }

  // Writes `tokens`, marks the argmax words unwritten, and runs one one-lane command on slot 0
  // (zeroing it first when `reset`).
  uint32_t run(const std::vector<uint32_t>& tokens, uint32_t flags, bool reset = true) {
    device_->write_span<uint32_t>(io_, 0, tokens);
    const std::vector<uint32_t> marks(16, kNotWritten);
    device_->write_span<uint32_t>(io_, 64, marks);
    device_->write_register(regmap::num_tokens::kOffset, static_cast<uint32_t>(tokens.size()));
    device_->write_register(regmap::num_lanes::kOffset, 1);
    device_->write_register(regmap::num_slots::kOffset, 1);
    device_->write_register(regmap::lane_slot_offset(0), 0);
    device_->write_register(regmap::lane_reset::kOffset, reset ? 1u : 0u);
    device_->write_register(regmap::flags::kOffset, flags);
    device_->start();
    return device_->read_register(kCtrl);
  }

  std::vector<uint32_t> argmax_words() {
    std::vector<uint32_t> words(16);
    device_->read_span<uint32_t>(io_, 64, words);
    return words;
  }

  std::shared_ptr<DeviceRuntime> runtime_;
  Device* device_ = nullptr;
  Buffer io_;
};

TEST(GoldenKernelIdle, FreshKernelIsIdleAndIdentifiesItself) {
  const auto device = make_golden_device({.weight_ports = 5, .max_hidden = 1024, .max_intermediate = 4096});
  EXPECT_EQ(device->read_register(kCtrl), regmap::ctrl::kApIdle);
  EXPECT_EQ(device->read_register(regmap::hw_magic::kOffset), regmap::kKernelMagic);
  EXPECT_EQ(device->read_register(regmap::hw_version::kOffset), regmap::kInterfaceVersion);
  EXPECT_EQ(device->read_register(regmap::hw_weight_ports::kOffset), 5u);
  EXPECT_EQ(device->read_register(regmap::hw_weight_data_width::kOffset), 512u);
  EXPECT_EQ(device->read_register(regmap::hw_max_hidden::kOffset), 1024u);
  EXPECT_EQ(device->read_register(regmap::hw_max_intermediate::kOffset), 4096u);
}

TEST(GoldenKernelIdle, ArgumentsReadBackAndReadOnlyWordsIgnoreWrites) {
  const auto device = make_golden_device();
  device->write_register(regmap::num_tokens::kOffset, 17);
  device->write_register(regmap::weight_port_offset(3) + 4, 0xABCD);
  EXPECT_EQ(device->read_register(regmap::num_tokens::kOffset), 17u);
  EXPECT_EQ(device->read_register(regmap::weight_port_offset(3) + 4), 0xABCDu);
  device->write_register(regmap::hw_magic::kOffset, 0);
  device->write_register(regmap::status::kOffset, 0xFF);
  device->write_register(regmap::counter::kCycles, 99);
  EXPECT_EQ(device->read_register(regmap::hw_magic::kOffset), regmap::kKernelMagic);
  EXPECT_EQ(device->read_register(regmap::status::kOffset), 0u);
  EXPECT_EQ(device->read_register(regmap::counter::kCycles), 0u);
  // Writing 0 to ctrl neither starts nor disturbs an idle kernel.
  device->write_register(kCtrl, 0);
  EXPECT_EQ(device->read_register(kCtrl), regmap::ctrl::kApIdle);
}

TEST(GoldenKernelIdle, WaitWithoutStartTimesOutNamingTheTimeout) {
  const auto device = make_golden_device();
  try {
    device->wait(std::chrono::duration<double>(0.25));
    FAIL() << "no DeviceError";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("timeout of 0.25"), std::string::npos) << e.what();
  }
}

TEST(GoldenKernelIdle, StartWithoutArgumentsIsBadArguments) {
  // Every argument is 0: num_tokens = num_lanes = 0 is refused at accept, before any memory access.
  const auto device = make_golden_device();
  device->start();
  EXPECT_EQ(device->read_register(kCtrl), regmap::ctrl::kApDone | regmap::ctrl::kApReady | regmap::ctrl::kApIdle);
  EXPECT_EQ(device->read_register(regmap::status::kOffset), regmap::status::kBadArguments);
}

TEST(GoldenKernelIdle, StartWithoutBuffersEndsWithAxiError) {
  // Good scalar arguments, but every buffer argument is 0: no memory there, so the first read
  // is a DECERR.
  const auto device = make_golden_device();
  device->write_register(regmap::num_tokens::kOffset, 1);
  device->write_register(regmap::num_lanes::kOffset, 1);
  device->write_register(regmap::num_slots::kOffset, 1);
  device->start();
  EXPECT_EQ(device->read_register(kCtrl), regmap::ctrl::kApDone | regmap::ctrl::kApReady | regmap::ctrl::kApIdle);
  EXPECT_EQ(device->read_register(regmap::status::kOffset), regmap::status::kAxiError);
}

TEST_F(GoldenKernelRegisters, DoneAndReadyRiseOnceAndClearOnRead) {
  const uint32_t ctrl = run({1}, regmap::flags::kNoLogits);
  EXPECT_EQ(ctrl, regmap::ctrl::kApDone | regmap::ctrl::kApReady | regmap::ctrl::kApIdle);
  EXPECT_EQ(device_->read_register(kCtrl), regmap::ctrl::kApIdle) << "ap_done/ap_ready are clear-on-read";
  EXPECT_EQ(device_->read_register(regmap::status::kOffset), 0u);
  const auto golden = mmfree::test::golden_logits({1});
  const auto best = std::max_element(golden[0].begin(), golden[0].end()) - golden[0].begin();
  EXPECT_EQ(argmax_words()[0], static_cast<uint32_t>(best));
  EXPECT_EQ(argmax_words()[1], kNotWritten);
}

TEST_F(GoldenKernelRegisters, InterruptStatusRecordsEnabledEventsAndTogglesOnWrite) {
  device_->write_register(regmap::ier::kOffset, regmap::ier::kDone);
  device_->write_register(regmap::gie::kOffset, regmap::gie::kEnable);
  run({1}, regmap::flags::kNoLogits);
  EXPECT_EQ(device_->read_register(regmap::isr::kOffset), regmap::isr::kDone) << "ready was not enabled";
  device_->write_register(regmap::isr::kOffset, regmap::isr::kDone);
  EXPECT_EQ(device_->read_register(regmap::isr::kOffset), 0u);
  device_->write_register(regmap::isr::kOffset, regmap::isr::kReady);  // toggle sets it
  EXPECT_EQ(device_->read_register(regmap::isr::kOffset), regmap::isr::kReady);
}

TEST_F(GoldenKernelRegisters, ZeroTokensIsBadArguments) {
  run({}, 0);
  EXPECT_EQ(device_->read_register(regmap::status::kOffset), regmap::status::kBadArguments);
}

TEST_F(GoldenKernelRegisters, TokenOutOfRangeStopsTheCommandThere) {
  const uint32_t ctrl = run({1, 4096, 7}, regmap::flags::kNoLogits);
  EXPECT_TRUE(ctrl & regmap::ctrl::kApDone);
  EXPECT_EQ(device_->read_register(regmap::status::kOffset), regmap::status::kBadToken);
  const auto argmax = argmax_words();
  EXPECT_NE(argmax[0], kNotWritten);
  EXPECT_EQ(argmax[1], kNotWritten);
  EXPECT_EQ(argmax[2], kNotWritten);
  EXPECT_EQ(counter(*device_, "tokens"), 1u);
  // A following good command clears status.
  run({1}, regmap::flags::kNoLogits);
  EXPECT_EQ(device_->read_register(regmap::status::kOffset), 0u);
}

TEST_F(GoldenKernelRegisters, WrongImageMagicIsBadDescriptor) {
  const std::vector<std::byte> junk(4096, std::byte{0x5A});
  const Buffer bad = device_->allocate(junk.size(), "params");
  device_->write(bad, 0, junk);
  device_->write_register(regmap::params::kOffset, static_cast<uint32_t>(bad.address));
  device_->write_register(regmap::params::kOffset + 4, static_cast<uint32_t>(bad.address >> 32));
  run({1}, 0);
  EXPECT_EQ(device_->read_register(regmap::status::kOffset), regmap::status::kBadDescriptor);
}

TEST_F(GoldenKernelRegisters, ImageRewrittenByTheHostIsWhatTheNextCommandReads) {
  // The model converts the image's parameters once and keeps them; a host write into the
  // image must still be seen by the next command, as the RTL reading memory would see it.
  const auto image = demo_model().image();
  const Buffer params = device_->allocate(image.size(), "params");
  device_->write(params, 0, image);
  device_->write_register(regmap::params::kOffset, static_cast<uint32_t>(params.address));
  device_->write_register(regmap::params::kOffset + 4, static_cast<uint32_t>(params.address >> 32));
  run({1}, regmap::flags::kNoLogits);
  const auto golden = mmfree::test::golden_logits({1});
  const auto best = static_cast<uint32_t>(std::max_element(golden[0].begin(), golden[0].end()) - golden[0].begin());
  ASSERT_NE(best, 0u);
  EXPECT_EQ(argmax_words()[0], best);
  // A zero final norm makes every logit 0, whose argmax is index 0.
  const auto descriptor = mmfree::mmf::read_device_descriptor(image);
  const std::vector<float> zeros(descriptor.hidden_size, 0.0f);
  device_->write_span<float>(params, descriptor.final_norm_offset, zeros);
  run({1}, regmap::flags::kNoLogits);
  EXPECT_EQ(argmax_words()[0], 0u);
}

TEST_F(GoldenKernelRegisters, CountersCountTheWeightStreams) {
  run({1, 2, 3}, regmap::flags::kNoLogits);
  ASSERT_EQ(device_->read_register(regmap::status::kOffset), 0u);
  // Every token streams every port's buffer once (in the demo's weight encoding; the whole
  // weights region, and with trit5 each port's padded last beat), and the arrays take every
  // weight in 2-bit beats of 256 (the 2bit layout's bytes, whatever the encoding).
  const mmfree::Model& model = demo_model();
  const uint64_t streamed = mmfree::measure::weight_bytes_per_token(model.config(), model.weight_encoding(), 4);
  const uint64_t two_bit = mmfree::measure::weight_bytes_per_token(model.config(), mmfree::mmf::WeightEncoding::TwoBit);
  EXPECT_EQ(counter(*device_, "tokens"), 3u);
  EXPECT_EQ(counter(*device_, "weight_bytes"), 3 * streamed);
  EXPECT_EQ(counter(*device_, "ternary_ops"), 4 * 3 * two_bit);
  uint64_t per_port = 0;
  for (unsigned p = 0; p < 4; ++p) per_port += counter(*device_, "w0" + std::to_string(p) + "_bytes");
  EXPECT_EQ(per_port, 3 * streamed);
}

TEST_F(GoldenKernelRegisters, AutoRestartRunsAgainUntilCleared) {
  // Without lane_reset each run continues the slot, so two runs of token t give the
  // golden logits of the sequence (t, t), and the argmax shows which run happened.
  const auto golden = mmfree::test::golden_logits({5, 5, 5});
  const auto best = [&](std::size_t k) {
    return static_cast<uint32_t>(std::max_element(golden[k].begin(), golden[k].end()) - golden[k].begin());
  };
  run({5}, regmap::flags::kNoLogits);  // slot holds (5)
  device_->write_register(regmap::flags::kOffset, regmap::flags::kNoLogits);
  device_->write_register(regmap::lane_reset::kOffset, 0);
  device_->write_register(kCtrl, regmap::ctrl::kAutoRestart | regmap::ctrl::kApStart);
  // First read: the run of the second token is done and ap_start stays up for the restart.
  const uint32_t first = device_->read_register(kCtrl);
  EXPECT_EQ(first & (regmap::ctrl::kApStart | regmap::ctrl::kApDone | regmap::ctrl::kAutoRestart),
            regmap::ctrl::kApStart | regmap::ctrl::kApDone | regmap::ctrl::kAutoRestart);
  EXPECT_EQ(argmax_words()[0], best(2)) << "the restart ran the third token";
  device_->write_register(kCtrl, 0);  // clear auto_restart: the run in flight is the last
  EXPECT_TRUE(device_->read_register(kCtrl) & regmap::ctrl::kApStart) << "a restarted run was in flight";
  const uint32_t last = device_->read_register(kCtrl);
  EXPECT_EQ(last & regmap::ctrl::kApStart, 0u);
  EXPECT_TRUE(last & regmap::ctrl::kApIdle);
}

TEST(GoldenKernelDeviceApi, MisuseIsADeviceError) {
  const auto device = make_golden_device({.weight_ports = 2});
  EXPECT_THROW(device->allocate(64, "nonsense"), DeviceError);
  EXPECT_THROW(device->allocate(64, "w02"), DeviceError) << "only w00 and w01 exist with 2 ports";
  EXPECT_THROW(device->allocate(0, "io"), DeviceError);
  const Buffer io = device->allocate(100, "io");
  const std::vector<std::byte> bytes(64);
  EXPECT_NO_THROW(device->write(io, 36, bytes));
  EXPECT_THROW(device->write(io, 37, bytes), DeviceError);
  std::vector<std::byte> out(101);
  EXPECT_THROW(device->read(io, 0, out), DeviceError);
  EXPECT_THROW(device->read_register(2), DeviceError);
  EXPECT_THROW(device->write_register(regmap::kAddressRange, 0), DeviceError);
  Buffer forged = io;
  forged.handle = 7;
  EXPECT_THROW(device->write(forged, 0, bytes), DeviceError);
}

}  // namespace
