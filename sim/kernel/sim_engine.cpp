// The "sim" backend. host/src/engine_factory.cpp declares make_sim_engine weak; this
// definition is linked only into binaries that link the mmfree_sim_engine object library.
#include "mmfree/sim/sim_engine.hpp"

#include "mmfree/device/device_runtime.hpp"
#include "mmfree/sim/sim_device.hpp"

namespace mmfree::sim {

std::unique_ptr<Engine> make_sim_engine(const Model& model, const EngineOptions& options) {
  SimDeviceOptions device_options;
  device_options.timing = memory_timing_preset(options.memory_preset);
  if (options.random_stalls) {
    device_options.timing.stall_probability = kRandomStallProbability;
    device_options.timing.stall_seed = options.stall_seed;
  }
  device_options.trace_file = options.trace_file;
  return device::make_device_engine(model, open_sim_kernel(device_options), "sim", options);
}

}  // namespace mmfree::sim
