// The "sim" backend (linked into the binaries that link mmfree_backends with the simulation).
#include "mmfree/sim/sim_engine.hpp"

#include "mmfree/runtime/device_backend_options.hpp"
#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/sim/sim_device.hpp"

namespace mmfree::sim {

std::unique_ptr<Engine> make_sim_engine(const Model& model, const SimEngineOptions& options) {
  SimDeviceOptions device_options;
  device_options.timing = memory_timing_preset(options.memory_preset);
  if (options.random_stalls) {
    device_options.timing.stall_probability = kRandomStallProbability;
    device_options.timing.stall_seed = options.stall_seed;
  }
  device_options.trace_file = options.trace_file;
  return device::make_device_engine("sim", model, open_sim_kernel(device_options), options.runtime);
}

void register_sim_backend(BackendRegistry& registry) {
  const SimEngineOptions defaults;
  registry.add({"sim",
                {{"memory", "memory model (ideal | hbm | ddr4 | hbm-sustained | ddr4-sustained); bench --shape: nominal (default) | sustained | both", defaults.memory_preset},
                 {"trace", "write an FST waveform here", ""},
                 device::timeout_option()},
                [](const Model& model, const BackendOptions& given) {
                  SimEngineOptions options;
                  options.memory_preset = given.text("memory", options.memory_preset);
                  options.trace_file = given.text("trace", "");
                  options.runtime = device::runtime_options(given);
                  return make_sim_engine(model, options);
                }});
}

}  // namespace mmfree::sim
