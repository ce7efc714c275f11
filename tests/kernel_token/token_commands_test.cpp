// Token mode of the RTL kernel, raw commands: the Verilated mmfree_kernel (sim backend's default
// configuration) and the golden kernel model (its executable specification, host/src/device/)
// run the same sequence of start commands on the same small synthetic checkpoint, and must
// leave the same bytes everywhere: every byte of io (tokens, argmax words, logits rows, and the
// bytes the kernel must not touch), every byte of the state buffer (both slots), the status
// register and the tokens counter. The commands cover reset_state, continuing from a slot, a
// second slot, all_logits, no_logits, the default single logits row, and a bad token.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "device/memory_layout.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/model.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "model/synthetic_checkpoint.hpp"
#include "runtime/weight_dealing.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace fs = std::filesystem;
namespace rm = regmap;

struct Shape {
  const char* name;
  uint32_t hidden, layers, intermediate, vocab;
  bool use_lower_bound;
};

Model synthetic_model(const Shape& shape) {
  const fs::path dir = fs::temp_directory_path() / ("mmfree_kernel_token_" + std::string(shape.name) + "_" +
                                                    std::to_string(::getpid()));
  model::SyntheticCheckpoint spec;
  spec.config.hidden_size = shape.hidden;
  spec.config.num_layers = shape.layers;
  spec.config.intermediate_size = shape.intermediate;
  spec.config.vocab_size = shape.vocab;
  spec.config.use_lower_bound = shape.use_lower_bound;
  spec.seed = shape.hidden * 7 + shape.vocab;
  model::write_synthetic_checkpoint(dir, spec);
  Model model = Model::open(dir);
  fs::remove_all(dir);
  return model;
}

struct Command {
  std::vector<uint32_t> tokens;
  uint32_t flags = 0;
  uint32_t slot = 0;
};

// What one command left behind.
struct Outcome {
  uint32_t status = 0;
  uint64_t tokens_counter = 0;
  uint64_t cycles = 0;  // the counter of the register map (0 on the zero-time golden model)
  std::vector<std::byte> io, state;
};

constexpr uint32_t kSlots = 2;
constexpr std::size_t kIoBytes = 64 * 1024;

// One device with the model loaded: params, the weight ports' streams, a two-slot state buffer
// and an io buffer; commands run one after the other on the same state.
class Rig {
 public:
  Rig(std::unique_ptr<device::Device> device, const Model& model, unsigned ports) : device_(std::move(device)) {
    const auto image = model.image();
    const auto params = device_->allocate(image.size(), "params");
    device_->write(params, 0, image);
    device::WeightDealing dealing(model, ports);
    std::vector<std::byte> rows;
    for (unsigned p = 0; p < ports; ++p) {
      const auto buffer = device_->allocate(dealing.port_bytes(p), device::weight_port_argument(p));
      std::size_t offset = 0;
      for (std::size_t m = 0; m < dealing.matrices().size(); ++m) {
        dealing.gather(m, p, rows);
        device_->write(buffer, offset, rows);
        offset += rows.size();
      }
      write_address(rm::weight_port_offset(p), buffer.address);
    }
    state_bytes_ = kSlots * device::state_slot_bytes(model.config().num_layers, model.config().hidden_size);
    state_ = device_->allocate(state_bytes_, "state");
    io_ = device_->allocate(kIoBytes, "io");
    // A pattern in both buffers, so that bytes the kernel must leave alone are checked too.
    std::vector<std::byte> fill(std::max<std::size_t>(state_bytes_, kIoBytes));
    for (std::size_t k = 0; k < fill.size(); ++k) fill[k] = std::byte(0xA5 ^ (k * 29));
    device_->write(state_, 0, std::span<const std::byte>(fill.data(), state_bytes_));
    write_address(rm::params::kOffset, params.address);
    write_address(rm::state::kOffset, state_.address);
    write_address(rm::io::kOffset, io_.address);
  }

  Outcome run(const Command& command) {
    std::vector<std::byte> fill(kIoBytes);
    for (std::size_t k = 0; k < fill.size(); ++k) fill[k] = std::byte(0x5A ^ (k * 13));
    device_->write(io_, 0, fill);
    device_->write_span<uint32_t>(io_, 0, command.tokens);
    device_->write_register(rm::num_tokens::kOffset, static_cast<uint32_t>(command.tokens.size()));
    device_->write_register(rm::state_slot::kOffset, command.slot);
    device_->write_register(rm::flags::kOffset, command.flags);
    device_->start();
    device_->wait(std::chrono::seconds(600));
    Outcome out;
    out.status = device_->read_register(rm::status::kOffset);
    for (const auto& counter : device_->read_counters())
      if (counter.name == "tokens") out.tokens_counter = counter.value;
      else if (counter.name == "cycles") out.cycles = counter.value;
    out.io.resize(kIoBytes);
    device_->read(io_, 0, out.io);
    out.state.resize(state_bytes_);
    device_->read(state_, 0, out.state);
    return out;
  }

  device::Device& device() { return *device_; }

 private:
  void write_address(uint32_t offset, uint64_t address) {
    device_->write_register(offset, static_cast<uint32_t>(address));
    device_->write_register(offset + 4, static_cast<uint32_t>(address >> 32));
  }

  std::unique_ptr<device::Device> device_;
  device::Buffer state_, io_;
  std::size_t state_bytes_ = 0;
};

// Index of the first differing byte, or -1.
long first_difference(const std::vector<std::byte>& a, const std::vector<std::byte>& b) {
  for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
    if (a[k] != b[k]) return static_cast<long>(k);
  return a.size() == b.size() ? -1 : static_cast<long>(std::min(a.size(), b.size()));
}

class KernelTokenCommands : public ::testing::TestWithParam<Shape> {};

TEST_P(KernelTokenCommands, EveryCommandLeavesTheBytesOfTheGoldenKernel) {
  const Shape& shape = GetParam();
  const Model model = synthetic_model(shape);
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = sim_device->read_register(rm::hw_weight_ports::kOffset);
  device::GoldenDeviceConfig golden_config;
  golden_config.weight_ports = ports;
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(device::make_golden_device(golden_config), model, ports);

  std::mt19937 rng(shape.vocab);
  std::uniform_int_distribution<uint32_t> token(0, shape.vocab - 1);
  const auto tokens = [&](std::size_t n) {
    std::vector<uint32_t> t(n);
    for (auto& id : t) id = token(rng);
    return t;
  };
  const std::vector<std::pair<std::string, Command>> commands = {
      {"reset_state + all_logits, 4 tokens", {tokens(4), rm::flags::kResetState | rm::flags::kAllLogits, 0}},
      {"continue the slot, default flags, 3 tokens", {tokens(3), 0, 0}},
      {"continue, no_logits, 2 tokens", {tokens(2), rm::flags::kNoLogits, 0}},
      {"second slot from zero, 1 token", {tokens(1), rm::flags::kResetState, 1}},
      {"first slot again, all_logits, 2 tokens", {tokens(2), rm::flags::kAllLogits, 0}},
      {"bad token third of four", {{token(rng), token(rng), shape.vocab, token(rng)}, rm::flags::kAllLogits, 1}},
  };
  for (const auto& [label, command] : commands) {
    const auto began = std::chrono::steady_clock::now();
    const Outcome got = sim.run(command);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const Outcome want = golden.run(command);
    std::printf("[ kernel token ] %s: %s: status %u, %llu tokens, %llu kernel cycles, %.2f s simulated\n", shape.name,
                label.c_str(), got.status, static_cast<unsigned long long>(got.tokens_counter),
                static_cast<unsigned long long>(got.cycles), seconds);
    EXPECT_EQ(got.status, want.status) << label;
    EXPECT_EQ(got.tokens_counter, want.tokens_counter) << label;
    EXPECT_EQ(first_difference(got.io, want.io), -1) << label << ": first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1) << label << ": first differing state byte";
  }
}

TEST(KernelTokenDemo, PromptCommandOnTheDemoModelLeavesTheBytesOfTheGoldenKernel) {
  // The trained demo model (d = 256, L = 6, I = 768, V = 4096): one prompt-style command of
  // three tokens with every logits row, then one more token continuing the slot.
  const Model model = Model::open(MMFREE_ASSETS_DIR "/models/mmfree-demo-d256-l6");
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = sim_device->read_register(rm::hw_weight_ports::kOffset);
  device::GoldenDeviceConfig golden_config;
  golden_config.weight_ports = ports;
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(device::make_golden_device(golden_config), model, ports);
  const uint32_t bos = model.config().bos_token_id;
  for (const Command& command : {Command{{bos, 450, 3000}, rm::flags::kResetState | rm::flags::kAllLogits, 0},
                                 Command{{17}, 0, 0}}) {
    const Outcome got = sim.run(command);
    const Outcome want = golden.run(command);
    std::printf("[ kernel token ] demo model, %zu tokens: status %u, %llu kernel cycles (%.0f per token)\n",
                command.tokens.size(), got.status, static_cast<unsigned long long>(got.cycles),
                double(got.cycles) / double(command.tokens.size()));
    EXPECT_EQ(got.status, 0u);
    EXPECT_EQ(got.tokens_counter, command.tokens.size());
    EXPECT_EQ(first_difference(got.io, want.io), -1) << "first differing io byte";
    EXPECT_EQ(first_difference(got.state, want.state), -1) << "first differing state byte";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Synthetic, KernelTokenCommands,
    ::testing::Values(
        // Rows of 64 codes (one padded beat), vectors a whole number of gmem beats.
        Shape{"d64_l2_i256_v96", 64, 2, 256, 96, true},
        // d = 72, I = 136: embedding rows, state rows and norm vectors start mid-beat; no
        // lower bounds; a vocabulary no port count divides.
        Shape{"d72_l2_i136_v50_unaligned", 72, 2, 136, 50, false}),
    [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mmfree::kernel_token_test
