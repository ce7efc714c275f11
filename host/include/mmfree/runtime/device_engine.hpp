// The Engine of the device backends (golden-kernel, sim, xrt): each open sequence holds one
// state slot of a DeviceRuntime; a batch is run as start commands of up to B lanes
// (runtime/lane_schedule.hpp): a decoding sequence takes one lane, a prompt a chain of lanes
// (blocked prefill), and a command runs as many passes as all its lanes have tokens for.
// Continuous batching (which sequences go into which call) is the caller's.
#pragma once

#include <memory>
#include <string>

#include "mmfree/device/device.hpp"
#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"
#include "mmfree/runtime/device_runtime.hpp"

namespace mmfree::device {

// An engine named `name` over `runtime`; sequences take its state slots.
std::unique_ptr<Engine> make_device_engine(std::string name, std::shared_ptr<DeviceRuntime> runtime);

// Loads `model` (which must outlive the engine) onto `device` first (DeviceRuntime::create).
std::unique_ptr<Engine> make_device_engine(std::string name, const Model& model, std::unique_ptr<Device> device,
                                           const DeviceRuntimeOptions& options = {});

}  // namespace mmfree::device
