// The device runtime's refusals and failure paths (issue 18 finding 5), without a board: a
// Device that forwards to the golden kernel model but answers chosen registers with bad values,
// or never finishes. Each refusal must name what is wrong; the runtime must leave the io
// argument as it was after a failed self-test.
// Written against device.hpp and runtime/device_runtime.hpp (after the batch-first engine rework).
// Cost: ~0.3 s (the demo model loaded into the golden kernel a few times).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/device/device.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"
#include "mmfree/regmap.hpp"
#include "model/synthetic_checkpoint.hpp"

namespace {

namespace rm = mmfree::regmap;
using mmfree::DeviceError;
using mmfree::device::Buffer;
using mmfree::device::Counter;
using mmfree::device::Device;
using mmfree::device::DeviceRuntime;
using mmfree::test::demo_model;

// The golden kernel model behind a faulty front: `register_overrides` replace what chosen
// registers read; `never_finishes` makes wait() time out as a board's would.
class FaultyDevice final : public Device {
 public:
  FaultyDevice() : inner_(mmfree::device::make_golden_device()) {}

  std::map<uint32_t, uint32_t> register_overrides;
  bool never_finishes = false;

  std::string description() const override { return "faulty(" + inner_->description() + ")"; }
  Buffer allocate(std::size_t bytes, std::string_view argument) override { return inner_->allocate(bytes, argument); }
  void write(const Buffer& b, std::size_t offset, std::span<const std::byte> data) override {
    inner_->write(b, offset, data);
  }
  void read(const Buffer& b, std::size_t offset, std::span<std::byte> data) override { inner_->read(b, offset, data); }
  void write_register(uint32_t offset, uint32_t value) override { inner_->write_register(offset, value); }
  uint32_t read_register(uint32_t offset) override {
    const auto it = register_overrides.find(offset);
    return it != register_overrides.end() ? it->second : inner_->read_register(offset);
  }
  void start() override { inner_->start(); }
  void wait(std::chrono::duration<double> timeout) override {
    if (never_finishes) throw DeviceError(description() + ": did not finish: timeout of " +
                                          std::to_string(timeout.count()) + " s");
    inner_->wait(timeout);
  }
  std::vector<Counter> read_counters() override { return inner_->read_counters(); }

  // What the kernel really holds in a register, past the overrides.
  uint32_t inner_register(uint32_t offset) { return inner_->read_register(offset); }

 private:
  std::unique_ptr<Device> inner_;
};

std::string create_error(const mmfree::Model& model, std::map<uint32_t, uint32_t> overrides) {
  auto device = std::make_unique<FaultyDevice>();
  device->register_overrides = std::move(overrides);
  try {
    DeviceRuntime::create(model, std::move(device));
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RuntimeErrorPaths, WrongMagicIsRefused) {
  const std::string error = create_error(demo_model(), {{rm::hw_magic::kOffset, 0xDEADBEEF}});
  EXPECT_TRUE(contains(error, "faulty(")) << error;
  EXPECT_TRUE(contains(error, "hw_magic reads 0xDEADBEEF, not the mmfree_kernel magic 0x4D4D464B")) << error;
}

TEST(RuntimeErrorPaths, OtherInterfaceVersionIsRefused) {
  const std::string error = create_error(demo_model(), {{rm::hw_version::kOffset, rm::kInterfaceVersion + 1}});
  EXPECT_TRUE(contains(error, "the kernel speaks interface version " + std::to_string(rm::kInterfaceVersion + 1) +
                                  ", this runtime version " + std::to_string(rm::kInterfaceVersion)))
      << error;
}

TEST(RuntimeErrorPaths, PortCountOutsideTheRegisterMapIsRefused) {
  for (uint32_t ports : {0u, rm::kMaxWeightPorts + 1}) {
    const std::string error = create_error(demo_model(), {{rm::hw_weight_ports::kOffset, ports}});
    EXPECT_TRUE(contains(error, "hw_weight_ports reads " + std::to_string(ports) + ", outside 1.." +
                                    std::to_string(rm::kMaxWeightPorts)))
        << error;
  }
}

TEST(RuntimeErrorPaths, ModelNarrowerThanThePortCountIsRefused) {
  // d = 24 < P = 32: some port would hold no row of a d-row matrix (docs/device.md).
  const auto dir = std::filesystem::temp_directory_path() / ("mmfree_runtime_errors_" + std::to_string(::getpid()));
  mmfree::model::SyntheticCheckpoint spec;
  spec.config.hidden_size = 24;
  spec.config.num_layers = 1;
  spec.config.intermediate_size = 64;
  spec.config.vocab_size = 40;
  mmfree::model::write_synthetic_checkpoint(dir, spec);
  const mmfree::Model narrow = mmfree::Model::open(dir);
  std::filesystem::remove_all(dir);
  const std::string error = create_error(narrow, {{rm::hw_weight_ports::kOffset, 32}});
  EXPECT_TRUE(contains(error, "the model's d=24 is smaller than the kernel's 32 weight ports")) << error;
}

TEST(RuntimeErrorPaths, ModelBeyondTheKernelBuildIsRefused) {
  const std::string error = create_error(demo_model(), {{rm::hw_max_hidden::kOffset, 255}});
  EXPECT_TRUE(contains(error, "the model (d=256, I=768) exceeds this kernel build (MaxHidden=255")) << error;
  const std::string inter = create_error(demo_model(), {{rm::hw_max_intermediate::kOffset, 767}});
  EXPECT_TRUE(contains(inter, "MaxIntermediate=767)")) << inter;
}

// One token through run_command on a slot of its own, with the last position's logits.
void run_one_token(DeviceRuntime& runtime, unsigned slot, uint32_t token) {
  const std::vector<uint32_t> tokens = {token};
  std::vector<uint32_t> argmax(1);
  std::vector<float> logits(runtime.model().config().vocab_size);
  runtime.run_command(slot, tokens, /*reset_state=*/true, mmfree::device::LogitsMode::Last, argmax, logits);
}

TEST(RuntimeErrorPaths, NonZeroStatusAfterACommandIsAStoppedEarlyError) {
  auto owned = std::make_unique<FaultyDevice>();
  FaultyDevice& device = *owned;
  const auto runtime = DeviceRuntime::create(demo_model(), std::move(owned));
  const unsigned slot = runtime->acquire_slot();
  EXPECT_NO_THROW(run_one_token(*runtime, slot, 1));  // the golden kernel itself is fine
  device.register_overrides[rm::status::kOffset] = rm::status::kAxiError | rm::status::kTooLarge;
  try {
    run_one_token(*runtime, slot, 450);
    ADD_FAILURE() << "a non-zero status must fail the command";
  } catch (const DeviceError& e) {
    const std::string error = e.what();
    EXPECT_TRUE(contains(error, "the kernel stopped the command early: too_large")) << error;
    EXPECT_TRUE(contains(error, "axi_error")) << error;
  }
}

TEST(RuntimeErrorPaths, TimeoutPropagatesAndAFailedSelftestRestoresTheIoArgument) {
  auto owned = std::make_unique<FaultyDevice>();
  FaultyDevice& device = *owned;
  const auto runtime = DeviceRuntime::create(demo_model(), std::move(owned));
  const unsigned slot = runtime->acquire_slot();
  run_one_token(*runtime, slot, 1);
  const uint32_t io_low = device.inner_register(rm::io::kOffset);
  device.never_finishes = true;
  EXPECT_THROW(run_one_token(*runtime, slot, 450), DeviceError);
  const auto& c = demo_model().config();
  const std::vector<int8_t> qd(c.hidden_size, 1), qi(c.intermediate_size, -1);
  try {
    runtime->run_matvec_selftest(qd, qi);
    ADD_FAILURE() << "a self-test that times out must throw";
  } catch (const DeviceError& e) {
    EXPECT_TRUE(contains(e.what(), "did not finish")) << e.what();
  }
  // The self-test points io at its own buffer for its one command; after the failure the
  // token-mode io must be back, or the next command writes into the self-test's buffer.
  EXPECT_EQ(device.inner_register(rm::io::kOffset), io_low);
}

TEST(RuntimeErrorPaths, AllStateSlotsInUseIsRefused) {
  mmfree::device::DeviceRuntimeOptions options;
  options.state_slots = 2;
  const auto runtime = DeviceRuntime::create(demo_model(), std::make_unique<FaultyDevice>(), options);
  runtime->acquire_slot();
  const unsigned second = runtime->acquire_slot();
  try {
    runtime->acquire_slot();
    ADD_FAILURE() << "a third slot of two must be refused";
  } catch (const DeviceError& e) {
    EXPECT_TRUE(contains(e.what(), "all 2 state slots are in use")) << e.what();
  }
  runtime->release_slot(second);  // a released slot can be taken again
  EXPECT_EQ(runtime->acquire_slot(), second);
}

}  // namespace
