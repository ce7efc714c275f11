// The "sim" backend of make_engine(): the device runtime over the Verilated kernel.
// Kept free of Verilator headers so that the engine table can include it.
#pragma once

#include <memory>

#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"

namespace mmfree::sim {

// Probability with which `--random-stalls` withholds each AXI ready/valid per cycle.
inline constexpr double kRandomStallProbability = 0.25;

// Opens the Verilated kernel with EngineOptions' memory_preset, trace_file, random_stalls,
// stall_seed and timeout_seconds, loads `model` onto it and returns one decoding sequence.
// UsageError for an unknown memory preset; DeviceError when the build has no kernel or the
// kernel cannot run the model.
std::unique_ptr<Engine> make_sim_engine(const Model& model, const EngineOptions& options);

}  // namespace mmfree::sim
