// The backends of this build, each added by its library's registration function, and making
// an engine by name: what every tool's --backend goes through.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "mmfree/backend.hpp"
#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"

namespace mmfree {

// Every backend this build has (reference, golden, golden-kernel, and sim and xrt when built).
const BackendRegistry& backends();

// The names of backends(), in registration order.
std::span<const std::string_view> engine_names();

// Creates an engine; UsageError for an unknown name or an option the backend does not take
// (naming the flag and the backend), DeviceError when the device cannot be opened. `model`
// must outlive the engine.
std::unique_ptr<Engine> make_engine(std::string_view backend, const Model& model, const BackendOptions& options = {});

}  // namespace mmfree
