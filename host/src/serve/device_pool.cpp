#include "serve/device_pool.hpp"

#include <set>

#include "mmfree/backends.hpp"
#include "mmfree/error.hpp"
#include "mmfree/util/number_text.hpp"

namespace mmfree::serve {

std::vector<DeviceSpec> parse_devices(const std::vector<std::string>& items) {
  std::vector<DeviceSpec> out;
  std::set<std::string> seen;
  for (const auto& item : items) {
    DeviceSpec spec;
    const auto colon = item.find(':');
    spec.backend = item.substr(0, colon);
    if (spec.backend.empty()) throw UsageError("--devices: '" + item + "' names no backend");
    backends().find(spec.backend);  // UsageError naming the backends of this build
    if (colon != std::string::npos) {
      const auto index = util::parse_number_in<unsigned>(item.substr(colon + 1), 0u, 1023u);
      if (!index) throw UsageError("--devices: '" + item + "': the index after ':' must be an integer from 0 to 1023");
      spec.index = *index;
    }
    spec.name = spec.backend + ":" + std::to_string(spec.index);
    if (!seen.insert(spec.name).second) throw UsageError("--devices: " + spec.name + " is listed twice");
    out.push_back(spec);
  }
  if (out.empty()) throw UsageError("--devices: no device given");
  return out;
}

BackendOptions device_options(const DeviceSpec& device, const std::vector<DeviceSpec>& all, const BackendOptions& given) {
  for (const auto& [option, value] : given.values()) {
    bool taken = false;
    for (const auto& other : all) taken = taken || backends().find(other.backend).takes(option);
    if (!taken) throw UsageError("--" + option + " is not an option of any backend in --devices");
  }
  const Backend& backend = backends().find(device.backend);
  BackendOptions options;
  for (const auto& [option, value] : given.values())
    if (backend.takes(option)) options.set(option, value);
  if (device.backend == "xrt") options.set("device", std::to_string(device.index));
  return options;
}

void DeviceHealth::set_failure(std::string why) {
  std::lock_guard lock(mutex_);
  failure_ = std::move(why);
}

std::string DeviceHealth::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

}  // namespace mmfree::serve
