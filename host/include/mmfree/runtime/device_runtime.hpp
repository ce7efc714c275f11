// The device runtime: the protocol of docs/device.md over any Device (golden kernel model, Verilator
// simulation, XRT board).
//
// A DeviceRuntime owns the device and loads the model onto it once: the .mmf image into
// `params`, the weight rows dealt round-robin into one buffer per weight port, a buffer of
// MLGRU state slots and an io buffer. Each start command runs N passes over K lanes, each lane
// a state slot (docs/device.md, Lanes and chains); it writes only the tokens and the scalar
// arguments that changed, starts, waits, and reads back what it was asked for (the argmax
// always, logits rows on request). The Engine over it is device_engine.hpp's.
//
// One thread drives a runtime (like the device itself, it is not thread-safe).
#pragma once

#include <chrono>
#include <map>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmfree/device/device.hpp"
#include "mmfree/model.hpp"

namespace mmfree::device {

struct DeviceRuntimeOptions {
  unsigned state_slots = 16;               // sequences that can be live at once
  unsigned max_tokens_per_command = 256;   // lane-tokens (N * K) per start command; more go in several
  unsigned max_lanes = 0;                  // lanes per command (K), at most the kernel's; 0: all it has
  double timeout_seconds = 60.0;           // per start command
};

// What a start command should write back.
enum class LogitsMode : uint8_t {
  Last,  // one logits row per lane after the last pass, row k = lane k (and every argmax)
  All,   // a logits row after every lane-token, row t*K + k
  None,  // only the argmax of every lane-token
};

// One start command: N passes over K lanes (docs/device.md, Lanes and chains).
struct LaneCommand {
  std::vector<uint32_t> slots;    // K: lane k's state slot; equal neighbours form a chain
  uint32_t reset_lanes = 0;       // bit k: zero lane k's slot first (only a chain's first lane)
  uint32_t passes = 0;            // N
  std::vector<uint32_t> tokens;   // N * K: pass t, lane k at t*K + k
  LogitsMode mode = LogitsMode::Last;
};

class DeviceRuntime : public std::enable_shared_from_this<DeviceRuntime> {
 public:
  // Checks the kernel (magic, interface version, sizes it can hold) and loads `model`, which
  // must outlive the runtime. Throws DeviceError when the kernel cannot run this model.
  static std::shared_ptr<DeviceRuntime> create(const Model& model, std::unique_ptr<Device> device,
                                               const DeviceRuntimeOptions& options = {});

  // A free state slot, now taken; DeviceError naming the slot count when all are taken.
  unsigned acquire_slot();
  // Gives a slot back (a slot not taken is ignored).
  void release_slot(unsigned slot);
  unsigned state_slots() const { return options_.state_slots; }

  // One start command (UsageError for what the kernel would refuse: K outside 1..batch_lanes(),
  // N = 0, N*K above max_tokens_per_command, a slot not below state_slots(), a non-adjacent
  // repeated slot, a reset on a chained lane, a token >= V). Writes the N*K argmax into
  // `argmax`; the logits rows stay on the device for read_logits. DeviceError as below.
  void run_lanes(const LaneCommand& command, std::span<uint32_t> argmax);
  // Logits row `row` of the last run_lanes command (V floats into `out`); UsageError for a row
  // that command did not write.
  void read_logits(uint64_t row, std::span<float> out);

  // One start command of one lane on slot `slot`: runs `tokens` (at most max_tokens_per_command of them),
  // writing their argmax into `argmax` (same length) and, per `mode`, logits rows into
  // `logits` (V floats per row). Throws UsageError for a token >= V and DeviceError when the
  // device fails, times out or reports a non-zero status.
  void run_command(unsigned slot, std::span<const uint32_t> tokens, bool reset_state, LogitsMode mode,
                   std::span<uint32_t> argmax, std::span<float> logits);

  // The weight-path self-test (docs/device.md, flags.matvec_selftest): every row sum of every
  // matrix, in stream order, for the int8 vectors qd [d] (d-column matrices) and qi [I]
  // (down_proj). What a kernel without token mode can already run; DeviceError as above.
  std::vector<int32_t> run_matvec_selftest(std::span<const int8_t> qd, std::span<const int8_t> qi);

  // State slot `slot` as the device holds it: L * d words, layer-major (docs/device.md, state).
  std::vector<int32_t> read_state(unsigned slot);

  const Model& model() const { return model_; }
  Device& device() { return *device_; }
  unsigned weight_ports() const { return weight_ports_; }
  unsigned max_tokens_per_command() const { return options_.max_tokens_per_command; }
  // K at most: the kernel's hw_batch_lanes, or options.max_lanes if smaller.
  unsigned batch_lanes() const { return batch_lanes_; }
  // The kernel's own BatchLanes (hw_batch_lanes).
  unsigned hardware_lanes() const { return hardware_lanes_; }
  // The device's counters after the last command (empty if it has none).
  std::vector<Counter> read_counters() { return device_->read_counters(); }

  DeviceRuntime(const Model& model, std::unique_ptr<Device> device, const DeviceRuntimeOptions& options);
  DeviceRuntime(const DeviceRuntime&) = delete;
  DeviceRuntime& operator=(const DeviceRuntime&) = delete;

 private:
  void check_kernel();
  void load_model();
  void write_buffer_argument(uint32_t offset, const Buffer& buffer);
  void write_scalar_argument(uint32_t offset, uint32_t value);
  void start_and_wait();

  const Model& model_;
  std::unique_ptr<Device> device_;
  DeviceRuntimeOptions options_;
  unsigned weight_ports_ = 0;
  unsigned hardware_lanes_ = 0, batch_lanes_ = 0;
  // The last command's shape, for read_logits.
  uint64_t last_passes_ = 0, last_lanes_ = 0, last_rows_ = 0;
  uint64_t slot_bytes_ = 0;
  Buffer params_, state_, io_;
  Buffer selftest_io_;  // allocated by the first self-test (size 0 until then)
  std::vector<Buffer> weights_;
  std::vector<bool> slot_in_use_;
  std::vector<uint32_t> logit_words_;  // staging for the raw logits
  std::map<uint32_t, uint32_t> scalar_arguments_;  // what the scalar argument registers hold
};

}  // namespace mmfree::device
