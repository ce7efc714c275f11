#include "mmfree/runtime/device_backend_options.hpp"

#include <cstdio>

#include "mmfree/error.hpp"

namespace mmfree::device {

BackendOption timeout_option() {
  char text[32];
  std::snprintf(text, sizeof text, "%g", DeviceRuntimeOptions{}.timeout_seconds);
  return {"timeout", "seconds to wait per start/wait", text};
}

DeviceRuntimeOptions runtime_options(const BackendOptions& options) {
  DeviceRuntimeOptions runtime;
  runtime.timeout_seconds = options.number("timeout", runtime.timeout_seconds, 0.001, 1e6);
  return runtime;
}

}  // namespace mmfree::device
