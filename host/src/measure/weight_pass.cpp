#include "mmfree/measure/weight_pass.hpp"

#include <chrono>

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
                                 double timeout_seconds) {
  const auto options = runtime_options(timeout_seconds);
  auto runtime = device::DeviceRuntime::create(model, open_device(), options);
  WeightPassResult result;
  result.weight_ports = runtime->weight_ports();
  const auto began = std::chrono::steady_clock::now();
  try {
    // One argmax-only start command from a fresh slot: what a greedy decode step costs.
    const uint32_t token = model.config().bos_token_id;
    uint32_t argmax = 0;
    runtime->run_command(runtime->acquire_slot(), std::span<const uint32_t>(&token, 1), /*reset_state=*/true,
                         device::LogitsMode::None, std::span<uint32_t>(&argmax, 1), {});
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
  return result;
}

}  // namespace mmfree::measure
