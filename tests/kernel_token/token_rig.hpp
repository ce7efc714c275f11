// One device (the Verilated kernel of the sim backend, or the golden kernel model) with a model
// loaded as docs/device.md lays it out: the .mmf image as `params`, the weight rows dealt over
// the ports, a two-slot state buffer and an io buffer. Commands run one after the other on the
// same state, and each leaves an Outcome: status, tokens counter, cycles, and every byte of io
// and state. Shared by the token-mode suites so that the sim kernel and the golden kernel are
// always loaded and driven the same way.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "device/memory_layout.hpp"
#include "mmfree/device/device.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/model.hpp"
#include "mmfree/regmap.hpp"
#include "runtime/weight_dealing.hpp"
#include "support/synthetic_model.hpp"

namespace mmfree::kernel_token_test {

struct Shape {
  const char* name;
  uint32_t hidden, layers, intermediate, vocab;
  bool use_lower_bound;
};

// A random synthetic checkpoint of `shape` (latent weights uniform in +-0.05, norms around 1),
// converted to a Model.
inline Model synthetic_model(const Shape& shape) {
  model::SyntheticCheckpoint spec;
  spec.config.hidden_size = shape.hidden;
  spec.config.num_layers = shape.layers;
  spec.config.intermediate_size = shape.intermediate;
  spec.config.vocab_size = shape.vocab;
  spec.config.use_lower_bound = shape.use_lower_bound;
  spec.seed = shape.hidden * 7 + shape.vocab;
  return test::synthetic_model(spec);
}

// A start command. One lane (`slot`) unless `lane_slots` names K lanes; `tokens` holds N passes
// of K ids each, pass-major (tokens[t][k] at t*K + k, as io holds them). flags are the
// register's, except kResetSlot, which the rig turns into lane_reset bit 0 (in contract v2 the
// reset of a slot is a per-lane argument, and flags bit 0 is reserved).
inline constexpr uint32_t kResetSlot = 1u << 0;

struct Command {
  std::vector<uint32_t> tokens;
  uint32_t flags = 0;
  uint32_t slot = 0;
  std::vector<uint32_t> lane_slots = {};
  uint32_t lane_reset = 0;
  uint32_t num_slots = 0;   // 0: the rig's kSlots
  bool zero_lanes = false;  // num_lanes = 0 (a bad command)
};

// What one command left behind.
struct Outcome {
  uint32_t status = 0;
  uint64_t tokens_counter = 0;
  uint64_t cycles = 0;  // the counter of the register map (0 on the zero-time golden model)
  std::vector<std::byte> io, state;
};

// How the buffers are placed. The sim's memory is one flat range of buffers in allocation
// order, so the buffer allocated last is the one whose end borders on memory that answers
// DECERR; the golden model's buffers are separated by guard pages, so running off the end of
// any of its buffers is an error there too.
struct RigOptions {
  std::size_t io_bytes = 64 * 1024;
  // Allocate params after every other buffer, `params_extra_bytes` larger than the image
  // (zero-filled; a test may place data there and point the descriptor at it).
  bool params_last = false;
  std::size_t params_extra_bytes = 0;
};

inline constexpr uint32_t kSlots = 4;

class Rig {
 public:
  Rig(std::unique_ptr<device::Device> device, const Model& model, unsigned ports, const RigOptions& options = {})
      : device_(std::move(device)), options_(options) {
    const auto image = model.image();
    if (!options_.params_last) load_params(image);
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
      write_address(regmap::weight_port_offset(p), buffer.address);
      weight_ports_.push_back(buffer);
    }
    slot_bytes_ = device::state_slot_bytes(model.config().num_layers, model.config().hidden_size);
    state_bytes_ = kSlots * slot_bytes_;
    state_ = device_->allocate(state_bytes_, "state");
    io_ = device_->allocate(options_.io_bytes, "io");
    // A pattern in both buffers, so that bytes the kernel must leave alone are checked too.
    std::vector<std::byte> fill(std::max<std::size_t>(state_bytes_, options_.io_bytes));
    for (std::size_t k = 0; k < fill.size(); ++k) fill[k] = std::byte(0xA5 ^ (k * 29));
    device_->write(state_, 0, std::span<const std::byte>(fill.data(), state_bytes_));
    if (options_.params_last) load_params(image);
    write_address(regmap::state::kOffset, state_.address);
    write_address(regmap::io::kOffset, io_.address);
  }

  Outcome run(const Command& command, std::chrono::duration<double> timeout = std::chrono::seconds(600)) {
    std::vector<std::byte> fill(options_.io_bytes);
    for (std::size_t k = 0; k < fill.size(); ++k) fill[k] = std::byte(0x5A ^ (k * 13));
    device_->write(io_, 0, fill);
    device_->write_span<uint32_t>(io_, 0, command.tokens);
    const std::vector<uint32_t> lanes = command.lane_slots.empty() ? std::vector<uint32_t>{command.slot}
                                                                   : command.lane_slots;
    const auto k = static_cast<uint32_t>(lanes.size());
    device_->write_register(regmap::num_tokens::kOffset, static_cast<uint32_t>(command.tokens.size()) / k);
    device_->write_register(regmap::num_lanes::kOffset, command.zero_lanes ? 0u : k);
    for (uint32_t lane = 0; lane < k; ++lane) device_->write_register(regmap::lane_slot_offset(lane), lanes[lane]);
    device_->write_register(regmap::num_slots::kOffset, command.num_slots ? command.num_slots : kSlots);
    device_->write_register(regmap::lane_reset::kOffset,
                            command.lane_reset | ((command.flags & kResetSlot) ? 1u : 0u));
    device_->write_register(regmap::flags::kOffset, command.flags & ~kResetSlot);
    device_->start();
    device_->wait(timeout);
    Outcome out;
    out.status = device_->read_register(regmap::status::kOffset);
    for (const auto& counter : device_->read_counters())
      if (counter.name == "tokens") out.tokens_counter = counter.value;
      else if (counter.name == "cycles") out.cycles = counter.value;
    out.io.resize(options_.io_bytes);
    device_->read(io_, 0, out.io);
    out.state.resize(state_bytes_);
    device_->read(state_, 0, out.state);
    return out;
  }

  // A 64-bit argument register (params, io, wNN, ...), low word first.
  void write_address(uint32_t offset, uint64_t address) {
    device_->write_register(offset, static_cast<uint32_t>(address));
    device_->write_register(offset + 4, static_cast<uint32_t>(address >> 32));
  }

  // Overwrites bytes of the image in device memory (e.g. a descriptor field).
  template <typename T>
  void patch_params(std::size_t offset, const T& value) {
    device_->write(params_, offset, std::as_bytes(std::span<const T>(&value, 1)));
  }
  void write_params(std::size_t offset, std::span<const std::byte> bytes) { device_->write(params_, offset, bytes); }

  const device::Buffer& params() const { return params_; }
  const device::Buffer& io() const { return io_; }
  const device::Buffer& weight_port(unsigned p) const { return weight_ports_.at(p); }
  // Bytes of one state slot; slot s is at offset s * slot_bytes() of Outcome::state.
  std::size_t slot_bytes() const { return slot_bytes_; }
  device::Device& device() { return *device_; }

 private:
  void load_params(std::span<const std::byte> image) {
    params_ = device_->allocate(image.size() + options_.params_extra_bytes, "params");
    device_->write(params_, 0, image);
    write_address(regmap::params::kOffset, params_.address);
  }

  std::unique_ptr<device::Device> device_;
  RigOptions options_;
  device::Buffer params_, state_, io_;
  std::vector<device::Buffer> weight_ports_;
  std::size_t slot_bytes_ = 0, state_bytes_ = 0;
};

// Index of the first differing byte, or -1.
inline long first_difference(std::span<const std::byte> a, std::span<const std::byte> b) {
  for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
    if (a[k] != b[k]) return static_cast<long>(k);
  return a.size() == b.size() ? -1 : static_cast<long>(std::min(a.size(), b.size()));
}

// The weight-port count a kernel reports (hw_weight_ports), and the golden kernel with that
// count: every test compares the sim kernel with a golden kernel dealt the same way.
inline unsigned weight_ports_of(device::Device& kernel) {
  return kernel.read_register(regmap::hw_weight_ports::kOffset);
}

inline std::unique_ptr<device::Device> golden_kernel(unsigned ports) {
  device::GoldenDeviceConfig config;
  config.weight_ports = ports;
  return device::make_golden_device(config);
}

}  // namespace mmfree::kernel_token_test
