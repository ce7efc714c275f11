// The "golden-kernel" backend: the device runtime over the golden kernel model (a zero-time
// functional model of the kernel). It takes --timeout, as every device backend does.
#pragma once

#include "mmfree/backend.hpp"

namespace mmfree::device {

void register_golden_kernel_backend(BackendRegistry& registry);

}  // namespace mmfree::device
