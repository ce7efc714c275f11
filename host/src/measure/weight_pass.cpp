#include "mmfree/measure/weight_pass.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/error.hpp"

namespace mmfree::measure {

namespace {

uint64_t counter(const std::vector<device::Counter>& counters, const std::string& name) {
  for (const auto& c : counters)
    if (c.name == name) return c.value;
  return 0;
}

device::DeviceRuntimeOptions runtime_options(double timeout_seconds) {
  device::DeviceRuntimeOptions options;
  options.state_slots = 1;
  options.timeout_seconds = timeout_seconds;
  return options;
}

// Activations do not change the kernel's work; any fixed int8 values will do.
void selftest(device::DeviceRuntime& runtime) {
  const ModelConfig& c = runtime.model().config();
  std::vector<int8_t> qd(c.hidden_size, 1), qi(c.intermediate_size, -1);
  runtime.run_matvec_selftest(qd, qi);
}

void finish(WeightPassResult& result, device::DeviceRuntime& runtime, std::chrono::steady_clock::time_point began) {
  result.host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  result.counters = runtime.read_counters();
  result.cycles = counter(result.counters, "cycles");
  result.device = runtime.device().description();
  if (result.cycles == 0) throw DeviceError(runtime.device().description() + ": the device counts no cycles");
}

}  // namespace

WeightPassResult run_selftest_pass(const Model& model,
                                   const std::function<std::unique_ptr<device::Device>()>& open_device,
                                   double timeout_seconds) {
  auto runtime = device::DeviceRuntime::create(model, open_device(), runtime_options(timeout_seconds));
  WeightPassResult result;
  result.weight_ports = runtime->weight_ports();
  result.what = "one weight pass (self-test mode)";
  const auto began = std::chrono::steady_clock::now();
  selftest(*runtime);
  finish(result, *runtime, began);
  return result;
}

WeightPassResult run_weight_pass(const Model& model, const std::function<std::unique_ptr<device::Device>()>& open_device,
                                 double timeout_seconds, unsigned lanes) {
  auto options = runtime_options(timeout_seconds);
  options.state_slots = std::max(lanes, 1u);
  auto runtime = device::DeviceRuntime::create(model, open_device(), options);
  WeightPassResult result;
  result.weight_ports = runtime->weight_ports();
  result.lanes = lanes;
  if (lanes == 0 || lanes > runtime->batch_lanes())
    throw UsageError("--batch " + std::to_string(lanes) + ": the kernel (" + runtime->device().description() +
                     ") runs 1.." + std::to_string(runtime->batch_lanes()) + " lanes per weight pass");
  const uint32_t token = model.config().bos_token_id;
  // One argmax-only start command from fresh slots: what a greedy decode step costs, here for
  // `lanes` sequences at once (slots 0..lanes-1, each reset).
  device::LaneCommand decode;
  for (unsigned k = 0; k < lanes; ++k) decode.slots.push_back(k);
  decode.reset_lanes = (1u << lanes) - 1;
  decode.passes = 1;
  decode.tokens.assign(lanes, token);
  decode.mode = device::LogitsMode::None;
  std::vector<uint32_t> argmax(lanes);
  const auto began = std::chrono::steady_clock::now();
  if (lanes > 1) {
    // Batched passes have no self-test fallback: a kernel with lanes runs token mode.
    runtime->run_lanes(decode, argmax);
    result.decode_token = true;
    result.what = "one decode pass of " + std::to_string(lanes) + " sequences";
    finish(result, *runtime, began);
    // The prefill pass: one prompt's `lanes` tokens on a chain of lanes (slot 0, reset).
    device::LaneCommand chain = decode;
    chain.slots.assign(lanes, 0);
    chain.reset_lanes = 1;
    runtime->run_lanes(chain, argmax);
    result.chain_counters = runtime->read_counters();
    result.chain_cycles = counter(result.chain_counters, "cycles");
    return result;
  }
  try {
    runtime->run_lanes(decode, argmax);
    result.decode_token = true;
    result.what = "one decode token";
  } catch (const DeviceError& e) {
    const std::string message = e.what();
    // A command that failed may leave the kernel busy: the self-test gets a fresh device.
    runtime.reset();
    runtime = device::DeviceRuntime::create(model, open_device(), options);
    selftest(*runtime);
    result.decode_token = false;
    result.what = "one weight pass (self-test mode)";
    result.fallback_reason =
        "a decode token did not run on this kernel (" + message +
        "); the figures are for the weight-path self-test, which streams the same weight bytes "
        "over the same ports but runs none of the element-wise phases";
  }
  finish(result, *runtime, began);
  result.chain_cycles = result.cycles;  // one lane: the prefill pass is the decode pass
  result.chain_counters = result.counters;
  return result;
}

}  // namespace mmfree::measure
