#include "mmfree/runtime/device_runtime.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "mmfree/contract.hpp"
#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/regmap.hpp"
#include "device/lane_arguments.hpp"
#include "device/memory_layout.hpp"
#include "runtime/logit_words.hpp"
#include "runtime/weight_dealing.hpp"

namespace mmfree::device {
namespace {

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

}  // namespace

std::shared_ptr<DeviceRuntime> DeviceRuntime::create(const Model& model, std::unique_ptr<Device> device,
                                                     const DeviceRuntimeOptions& options) {
  return std::make_shared<DeviceRuntime>(model, std::move(device), options);
}

DeviceRuntime::DeviceRuntime(const Model& model, std::unique_ptr<Device> device, const DeviceRuntimeOptions& options)
    : model_(model), device_(std::move(device)), options_(options) {
  if (!device_) throw DeviceError("device runtime: no device");
  if (options_.state_slots == 0) throw UsageError("device runtime: at least one state slot is needed");
  if (options_.max_tokens_per_command == 0) throw UsageError("device runtime: max_tokens_per_command must be >= 1");
  check_kernel();
  load_model();
}

void DeviceRuntime::check_kernel() {
  const std::string who = device_->description();
  const uint32_t magic = device_->read_register(regmap::hw_magic::kOffset);
  if (magic != regmap::kKernelMagic)
    throw DeviceError(who + ": hw_magic reads " + hex(magic) + ", not the mmfree_kernel magic " +
                      hex(regmap::kKernelMagic) + " (is this the right xclbin?)");
  const uint32_t version = device_->read_register(regmap::hw_version::kOffset);
  if (version != regmap::kInterfaceVersion)
    throw DeviceError(who + ": the kernel speaks interface version " + std::to_string(version) +
                      ", this runtime version " + std::to_string(regmap::kInterfaceVersion) +
                      " (rebuild the xclbin or the host from the same tree)");
  weight_ports_ = device_->read_register(regmap::hw_weight_ports::kOffset);
  if (weight_ports_ == 0 || weight_ports_ > regmap::kMaxWeightPorts)
    throw DeviceError(who + ": hw_weight_ports reads " + std::to_string(weight_ports_) + ", outside 1.." +
                      std::to_string(regmap::kMaxWeightPorts));
  hardware_lanes_ = device_->read_register(regmap::hw_batch_lanes::kOffset);
  if (hardware_lanes_ == 0 || hardware_lanes_ > regmap::kMaxBatchLanes)
    throw DeviceError(who + ": hw_batch_lanes reads " + std::to_string(hardware_lanes_) + ", outside 1.." +
                      std::to_string(regmap::kMaxBatchLanes));
  batch_lanes_ = options_.max_lanes == 0 ? hardware_lanes_ : std::min(options_.max_lanes, hardware_lanes_);
  const ModelConfig& c = model_.config();
  if (c.hidden_size < weight_ports_)
    throw DeviceError(who + ": the model's d=" + std::to_string(c.hidden_size) + " is smaller than the kernel's " +
                      std::to_string(weight_ports_) + " weight ports");
  const uint32_t max_hidden = device_->read_register(regmap::hw_max_hidden::kOffset);
  const uint32_t max_inter = device_->read_register(regmap::hw_max_intermediate::kOffset);
  if (c.hidden_size > max_hidden || c.intermediate_size > max_inter)
    throw DeviceError(who + ": the model (d=" + std::to_string(c.hidden_size) + ", I=" +
                      std::to_string(c.intermediate_size) + ") exceeds this kernel build (MaxHidden=" +
                      std::to_string(max_hidden) + ", MaxIntermediate=" + std::to_string(max_inter) + ")");
}

void DeviceRuntime::write_buffer_argument(uint32_t offset, const Buffer& buffer) {
  device_->write_register(offset, static_cast<uint32_t>(buffer.address));
  device_->write_register(offset + 4, static_cast<uint32_t>(buffer.address >> 32));
}

void DeviceRuntime::write_scalar_argument(uint32_t offset, uint32_t value) {
  // Argument registers keep their value between commands, and on a board every register
  // write is a bus round trip: in steady decoding only the token (in io) changes.
  const auto known = scalar_arguments_.find(offset);
  if (known != scalar_arguments_.end() && known->second == value) return;
  device_->write_register(offset, value);
  scalar_arguments_[offset] = value;
}

void DeviceRuntime::load_model() {
  const ModelConfig& c = model_.config();
  const std::span<const std::byte> image = model_.image();

  // params: the image up to its weights region, unchanged, copied once. The kernel never reads
  // the weights through params (they come over the weight ports) and the weights are the image's
  // last section, so leaving them out halves the buffer for the released models: the 2.7B
  // model's gmem image then fits one 512 MiB HBM pseudo-channel (bitstreams/u55c/link.cfg).
  const uint64_t weights_offset = mmf::read_device_descriptor(image).weights_offset;
  const std::span<const std::byte> params_image = image.first(std::min<uint64_t>(weights_offset, image.size()));
  params_ = device_->allocate(params_image.size(), "params");
  device_->write(params_, 0, params_image);

  // The weight rows, dealt round-robin over the ports (docs/device.md), one matrix at a time
  // so the host never holds a second copy of the whole weight set.
  const WeightDealing dealing(model_, weight_ports_);
  std::vector<std::byte> staging;
  for (unsigned p = 0; p < weight_ports_; ++p) {
    const std::string argument = weight_port_argument(p);
    // A port that gets no rows (P larger than every matrix) still needs a valid address.
    weights_.push_back(device_->allocate(std::max<uint64_t>(dealing.port_bytes(p), 64), argument));
    uint64_t offset = 0;
    for (std::size_t m = 0; m < dealing.matrices().size(); ++m) {
      dealing.gather(m, p, staging);
      device_->write(weights_.back(), offset, staging);
      offset += staging.size();
    }
  }

  // State slots and the io buffer.
  slot_bytes_ = state_slot_bytes(c.num_layers, c.hidden_size);
  state_ = device_->allocate(slot_bytes_ * options_.state_slots, "state");
  slot_in_use_.assign(options_.state_slots, false);
  const IoLayout io(options_.max_tokens_per_command, 1, c.vocab_size);
  io_ = device_->allocate(io.bytes(options_.max_tokens_per_command), "io");

  // The buffer arguments never change: written once here, the kernel latches them per start.
  write_buffer_argument(regmap::params::kOffset, params_);
  write_buffer_argument(regmap::state::kOffset, state_);
  write_buffer_argument(regmap::io::kOffset, io_);
  for (unsigned p = 0; p < weight_ports_; ++p) write_buffer_argument(regmap::weight_port_offset(p), weights_[p]);
}

void DeviceRuntime::run_lanes(const LaneCommand& command, std::span<uint32_t> argmax) {
  const ModelConfig& c = model_.config();
  const std::size_t k = command.slots.size(), n = command.passes;
  if (k == 0 || k > batch_lanes_)
    throw UsageError("device runtime: " + std::to_string(k) + " lanes in one command, this kernel takes 1.." +
                     std::to_string(batch_lanes_));
  if (n == 0) throw UsageError("device runtime: a start command needs at least one pass");
  if (n * k > options_.max_tokens_per_command)
    throw UsageError("device runtime: " + std::to_string(n * k) + " lane-tokens in one command exceed max_tokens_per_command " +
                     std::to_string(options_.max_tokens_per_command));
  if (command.tokens.size() != n * k || argmax.size() != n * k)
    throw std::invalid_argument("DeviceRuntime::run_lanes: tokens and argmax must hold passes x lanes words");
  for (const uint32_t slot : command.slots)
    if (slot >= options_.state_slots) throw UsageError("device runtime: state slot " + std::to_string(slot) + " does not exist");
  LaneArguments lanes;
  lanes.num_tokens = static_cast<uint32_t>(n);
  lanes.num_lanes = static_cast<uint32_t>(k);
  lanes.num_slots = options_.state_slots;
  lanes.lane_reset = command.reset_lanes & ((k < 32 ? (1u << k) : 0u) - 1u);
  std::copy(command.slots.begin(), command.slots.end(), lanes.slots.begin());
  if (check_lane_arguments(lanes, batch_lanes_) != 0)
    throw UsageError("device runtime: the lanes repeat a slot that is not their neighbour's, or reset a lane "
                     "that continues a chain (docs/device.md, Lanes and chains)");
  for (const uint32_t t : command.tokens)
    if (t >= c.vocab_size)
      throw UsageError("token id " + std::to_string(t) + " is out of range (vocabulary size " +
                       std::to_string(c.vocab_size) + ")");

  device_->write_span(io_, 0, std::span<const uint32_t>(command.tokens));
  uint32_t flags = 0;
  if (command.mode == LogitsMode::All) flags |= regmap::flags::kAllLogits;
  if (command.mode == LogitsMode::None) flags |= regmap::flags::kNoLogits;
  write_scalar_argument(regmap::num_tokens::kOffset, lanes.num_tokens);
  write_scalar_argument(regmap::num_lanes::kOffset, lanes.num_lanes);
  write_scalar_argument(regmap::num_slots::kOffset, lanes.num_slots);
  write_scalar_argument(regmap::lane_reset::kOffset, lanes.lane_reset);
  for (std::size_t lane = 0; lane < k; ++lane) write_scalar_argument(regmap::lane_slot_offset(lane), lanes.slots[lane]);
  write_scalar_argument(regmap::flags::kOffset, flags);
  last_rows_ = 0;  // nothing to read if the command fails
  start_and_wait();

  last_passes_ = n;
  last_lanes_ = k;
  last_rows_ = command.mode == LogitsMode::All ? n * k : (command.mode == LogitsMode::Last ? k : 0);
  const IoLayout layout(n, k, c.vocab_size);
  device_->read_span(io_, layout.argmax_offset(), argmax);
}

void DeviceRuntime::read_logits(uint64_t row, std::span<float> out) {
  const ModelConfig& c = model_.config();
  if (row >= last_rows_)
    throw UsageError("device runtime: logits row " + std::to_string(row) + " was not written by the last command (" +
                     std::to_string(last_rows_) + " rows)");
  if (out.size() != c.vocab_size) throw std::invalid_argument("DeviceRuntime::read_logits: out must hold V floats");
  const IoLayout layout(last_passes_, last_lanes_, c.vocab_size);
  logit_words_.resize(c.vocab_size);
  device_->read_span(io_, layout.logits_offset(row), std::span<uint32_t>(logit_words_));
  logit_words_to_float(logit_words_, out);
}

void DeviceRuntime::run_command(unsigned slot, std::span<const uint32_t> tokens, bool reset_state, LogitsMode mode,
                                std::span<uint32_t> argmax, std::span<float> logits) {
  const ModelConfig& c = model_.config();
  const std::size_t n = tokens.size();
  if (n == 0) throw UsageError("device runtime: a start command needs at least one token");
  const std::size_t rows = mode == LogitsMode::All ? n : (mode == LogitsMode::Last ? 1 : 0);
  if (argmax.size() != n || logits.size() != rows * c.vocab_size)
    throw std::invalid_argument("DeviceRuntime::run_command: output spans do not match the token count and mode");
  LaneCommand command;
  command.slots = {slot};
  command.reset_lanes = reset_state ? 1u : 0u;
  command.passes = static_cast<uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
  command.tokens.assign(tokens.begin(), tokens.end());
  command.mode = mode;
  run_lanes(command, argmax);
  for (std::size_t r = 0; r < rows; ++r) read_logits(r, logits.subspan(r * c.vocab_size, c.vocab_size));
}

void DeviceRuntime::start_and_wait() {
  device_->start();
  device_->wait(std::chrono::duration<double>(options_.timeout_seconds));
  const uint32_t status = device_->read_register(regmap::status::kOffset);
  if (status != 0)
    throw DeviceError(device_->description() + ": the kernel stopped the command early: " + contract::describe_status(status));
}

std::vector<int32_t> DeviceRuntime::run_matvec_selftest(std::span<const int8_t> qd, std::span<const int8_t> qi) {
  const ModelConfig& c = model_.config();
  if (qd.size() != c.hidden_size || qi.size() != c.intermediate_size)
    throw UsageError("matvec self-test: qd needs d = " + std::to_string(c.hidden_size) + " and qi I = " +
                     std::to_string(c.intermediate_size) + " values");
  const uint64_t qd_bytes = mmf::round_up(c.hidden_size, 64), qi_bytes = mmf::round_up(c.intermediate_size, 64);
  uint64_t rows = 0;
  for (const auto& m : stream_order(mmf::read_device_descriptor(model_.image()))) rows += m.rows;
  // Its own io buffer, so the token-mode io keeps its size; the io argument points at it for
  // this one command and back at the token io afterwards.
  if (selftest_io_.size == 0) selftest_io_ = device_->allocate(qd_bytes + qi_bytes + rows * 4, "io");
  device_->write_span(selftest_io_, 0, qd);
  device_->write_span(selftest_io_, qd_bytes, qi);
  write_buffer_argument(regmap::io::kOffset, selftest_io_);
  write_scalar_argument(regmap::flags::kOffset, regmap::flags::kMatvecSelftest);
  try {
    start_and_wait();
  } catch (...) {
    write_buffer_argument(regmap::io::kOffset, io_);
    throw;
  }
  write_buffer_argument(regmap::io::kOffset, io_);
  std::vector<int32_t> sums(rows);
  device_->read_span(selftest_io_, qd_bytes + qi_bytes, std::span<int32_t>(sums));
  return sums;
}

std::vector<int32_t> DeviceRuntime::read_state(unsigned slot) {
  if (slot >= options_.state_slots) throw UsageError("device runtime: state slot " + std::to_string(slot) + " does not exist");
  const ModelConfig& c = model_.config();
  std::vector<int32_t> words(std::size_t(c.num_layers) * c.hidden_size);
  device_->read_span(state_, uint64_t(slot) * slot_bytes_, std::span<int32_t>(words));
  return words;
}

unsigned DeviceRuntime::acquire_slot() {
  for (unsigned s = 0; s < slot_in_use_.size(); ++s) {
    if (slot_in_use_[s]) continue;
    slot_in_use_[s] = true;
    return s;
  }
  throw DeviceError(device_->description() + ": all " + std::to_string(slot_in_use_.size()) +
                    " state slots are in use (close a sequence first)");
}

void DeviceRuntime::release_slot(unsigned slot) {
  if (slot < slot_in_use_.size()) slot_in_use_[slot] = false;
}

}  // namespace mmfree::device
