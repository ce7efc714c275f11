// The "sim" backend: the device runtime over the Verilated kernel. Kept free of Verilator
// headers so that the backend list can include it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "mmfree/backend.hpp"
#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"
#include "mmfree/runtime/device_runtime.hpp"

namespace mmfree::sim {

// Probability with which random stalls withhold each AXI ready/valid per cycle.
inline constexpr double kRandomStallProbability = 0.25;

struct SimEngineOptions {
  std::string memory_preset = "ideal";  // ideal | hbm | ddr4 (memory_timing.hpp)
  std::filesystem::path trace_file;     // FST waveform, empty: none (the traced model is slower)
  bool random_stalls = false;           // randomized AXI ready/valid stalls
  uint64_t stall_seed = 1;
  device::DeviceRuntimeOptions runtime;  // timeout, state slots
};

// Opens the Verilated kernel with `options` and loads `model` onto it. UsageError for an unknown
// memory preset; DeviceError when the build has no kernel or the kernel cannot run the model.
std::unique_ptr<Engine> make_sim_engine(const Model& model, const SimEngineOptions& options = {});

// Adds "sim", which takes --memory, --trace and --timeout.
void register_sim_backend(BackendRegistry& registry);

}  // namespace mmfree::sim
