#include "mmfree/runtime/golden_kernel_backend.hpp"

#include "mmfree/device/golden_device.hpp"
#include "mmfree/runtime/device_backend_options.hpp"
#include "mmfree/runtime/device_engine.hpp"

namespace mmfree::device {

void register_golden_kernel_backend(BackendRegistry& registry) {
  registry.add({"golden-kernel", {timeout_option()}, [](const Model& model, const BackendOptions& options) {
                  return make_device_engine("golden-kernel", model, make_golden_device(), runtime_options(options));
                }});
}

}  // namespace mmfree::device
