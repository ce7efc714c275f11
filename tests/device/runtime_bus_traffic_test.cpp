// What the device runtime sends over the bus: the model once at load, then per decode token
// only the token (into io) and the start. Recorded by a pass-through Device around the real
// golden kernel model.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/regmap.hpp"

namespace {

namespace regmap = mmfree::regmap;
using mmfree::device::Buffer;
using mmfree::device::Device;

struct Traffic {
  std::vector<std::string> allocations;  // kernel argument per allocate()
  std::vector<std::pair<uint32_t, uint32_t>> register_writes;
  std::vector<std::size_t> buffer_writes;  // bytes per write()
  std::size_t bytes_written = 0, bytes_read = 0;
  void clear() { *this = Traffic{}; }
};

class RecordingDevice final : public Device {
 public:
  RecordingDevice(std::unique_ptr<Device> inner, Traffic& traffic) : inner_(std::move(inner)), traffic_(traffic) {}
  std::string description() const override { return inner_->description(); }
  Buffer allocate(std::size_t bytes, std::string_view argument) override {
    traffic_.allocations.emplace_back(argument);
    return inner_->allocate(bytes, argument);
  }
  void write(const Buffer& b, std::size_t offset, std::span<const std::byte> data) override {
    traffic_.buffer_writes.push_back(data.size());
    traffic_.bytes_written += data.size();
    inner_->write(b, offset, data);
  }
  void read(const Buffer& b, std::size_t offset, std::span<std::byte> data) override {
    traffic_.bytes_read += data.size();
    inner_->read(b, offset, data);
  }
  void write_register(uint32_t offset, uint32_t value) override {
    traffic_.register_writes.emplace_back(offset, value);
    inner_->write_register(offset, value);
  }
  uint32_t read_register(uint32_t offset) override { return inner_->read_register(offset); }
  void start() override {
    traffic_.register_writes.emplace_back(regmap::ctrl::kOffset, regmap::ctrl::kApStart);
    inner_->start();
  }
  void wait(std::chrono::duration<double> timeout) override { inner_->wait(timeout); }
  std::vector<mmfree::device::Counter> read_counters() override { return inner_->read_counters(); }

 private:
  std::unique_ptr<Device> inner_;
  Traffic& traffic_;
};

TEST(RuntimeBusTraffic, ModelGoesOnceThenEachDecodeTokenIsOneWordAndAStart) {
  Traffic traffic;
  const auto& model = mmfree::test::demo_model();
  auto device = std::make_unique<RecordingDevice>(mmfree::device::make_golden_device(), traffic);
  const auto runtime = mmfree::device::DeviceRuntime::create(model, std::move(device));

  // Load: params, the four weight ports, state, io; every byte of the image went over once:
  // params up to the weights region, the weights dealt over the ports.
  EXPECT_EQ(traffic.allocations, (std::vector<std::string>{"params", "w00", "w01", "w02", "w03", "state", "io"}));
  const auto descriptor = mmfree::mmf::read_device_descriptor(model.image());
  EXPECT_EQ(traffic.bytes_written, descriptor.weights_offset + descriptor.weights_bytes);

  const auto engine = mmfree::device::make_device_engine("recorded", runtime);
  mmfree::Sequence sequence(*engine);
  sequence.step(1);    // the first command also sets num_tokens, slot and the reset flag
  sequence.step(349);  // the second clears the reset flag
  traffic.clear();
  const uint32_t vocab = model.config().vocab_size;
  sequence.step(448);
  EXPECT_EQ(traffic.buffer_writes, std::vector<std::size_t>{4}) << "only the token goes into io";
  EXPECT_EQ(traffic.register_writes.size(), 1u);
  EXPECT_EQ(traffic.register_writes.at(0), std::make_pair(regmap::ctrl::kOffset, regmap::ctrl::kApStart));
  EXPECT_EQ(traffic.bytes_read, 4 + 4 * std::size_t(vocab)) << "the argmax word and one logits row";

  traffic.clear();
  sequence.step_argmax(1268);
  EXPECT_EQ(traffic.bytes_read, 4u) << "argmax-only decoding reads one word";
  // The flags changed (no_logits), so that register is written once more, nothing else.
  ASSERT_EQ(traffic.register_writes.size(), 2u);
  EXPECT_EQ(traffic.register_writes.at(0), std::make_pair(regmap::flags::kOffset, regmap::flags::kNoLogits));
}

}  // namespace
