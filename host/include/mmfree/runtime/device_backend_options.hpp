// The options every device backend (golden-kernel, sim, xrt) takes: how long to wait for a
// start command.
#pragma once

#include "mmfree/backend.hpp"
#include "mmfree/runtime/device_runtime.hpp"

namespace mmfree::device {

// --timeout, declared with DeviceRuntimeOptions' default.
BackendOption timeout_option();

// DeviceRuntimeOptions with --timeout applied (UsageError when it is not a positive number).
DeviceRuntimeOptions runtime_options(const BackendOptions& options);

}  // namespace mmfree::device
