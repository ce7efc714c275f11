#include "mmfree/xrt/xrt_backend.hpp"

#include "mmfree/xrt/xrt_device.hpp"
#include "mmfree/runtime/device_backend_options.hpp"
#include "mmfree/runtime/device_engine.hpp"

namespace mmfree::device {

void register_xrt_backend(BackendRegistry& registry) {
  registry.add({"xrt",
                {{"xclbin", "the kernel binary", ""}, {"device", "device index", "0"}, timeout_option()},
                [](const Model& model, const BackendOptions& options) {
                  auto device = open_xrt_device(options.text("xclbin", ""), options.count("device", 0, 0, 1023));
                  return make_device_engine("xrt", model, std::move(device), runtime_options(options));
                }});
}

}  // namespace mmfree::device
