#include "mmfree/runtime/golden_kernel_backend.hpp"

#include <string>

#include "mmfree/contract.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/runtime/device_backend_options.hpp"
#include "mmfree/runtime/device_engine.hpp"

namespace mmfree::device {

void register_golden_kernel_backend(BackendRegistry& registry) {
  // --batch-lanes: the model's BatchLanes (B), what a board's build fixes in its platform.toml;
  // here a flag, so that one build can check every B against the same golden arithmetic.
  const BackendOption lanes{"batch-lanes",
                            "BatchLanes B of the kernel model: lanes per weight pass (1.." +
                                std::to_string(regmap::kMaxBatchLanes) + ")",
                            std::to_string(contract::kBatchLanes)};
  registry.add({"golden-kernel", {timeout_option(), lanes}, [](const Model& model, const BackendOptions& options) {
                  GoldenDeviceConfig config;
                  config.batch_lanes = options.count("batch-lanes", contract::kBatchLanes, 1, regmap::kMaxBatchLanes);
                  return make_device_engine("golden-kernel", model, make_golden_device(config), runtime_options(options));
                }});
}

}  // namespace mmfree::device
