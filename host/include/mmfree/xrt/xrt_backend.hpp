// The "xrt" backend: the device runtime over an Alveo board through XRT. It takes --xclbin,
// --device and --timeout.
#pragma once

#include "mmfree/backend.hpp"

namespace mmfree::device {

void register_xrt_backend(BackendRegistry& registry);

}  // namespace mmfree::device
