// The board backend: an mmfree kernel in an xclbin, driven through XRT's native C++ API.
#pragma once

#include <filesystem>
#include <memory>

#include "mmfree/device/device.hpp"

namespace mmfree::device {

// The kernel name the xclbin must contain (the RTL top, packaged as an RTL kernel).
inline constexpr const char* kXrtKernelName = "mmfree_kernel";

// Loads `xclbin` onto board `device_index` and opens its mmfree_kernel compute unit for
// exclusive register access. Checks, in this order, that the xclbin file exists, that it is
// an xclbin, that it contains mmfree_kernel, and that a board is present; each failure is a
// DeviceError saying which.
std::unique_ptr<Device> open_xrt_device(const std::filesystem::path& xclbin, unsigned device_index);

}  // namespace mmfree::device
