// The XRT backend: the mmfree kernel on an Alveo board, through XRT's native C++ API.
//
// The compute unit is opened for exclusive access so the runtime drives it through its
// control registers exactly as it drives the golden model and the simulation (arguments
// written at their register-map offsets, ap_start, poll ap_done), rather than through
// xrt::run: one protocol, one runtime, three devices.
#include "mmfree/xrt/xrt_device.hpp"

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>
#include <experimental/xrt_system.h>
#include <experimental/xrt_xclbin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "device/counters.hpp"
#include "mmfree/error.hpp"
#include "mmfree/regmap.hpp"

namespace mmfree::device {
namespace {

std::string xrt_context(const std::filesystem::path& xclbin) { return "xrt (" + xclbin.string() + ")"; }

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%03X", value);
  return text;
}

xrt::xclbin load_xclbin_file(const std::filesystem::path& path) {
  if (path.empty()) throw DeviceError("xrt backend: no xclbin given (pass --xclbin <file>)");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw DeviceError("xrt backend: xclbin '" + path.string() + "' does not exist");
  if (std::filesystem::is_directory(path, ec))
    throw DeviceError("xrt backend: xclbin '" + path.string() + "' is a directory, not an xclbin file");
  try {
    return xrt::xclbin(path.string());
  } catch (const std::exception& e) {
    throw DeviceError("xrt backend: '" + path.string() + "' is not a valid xclbin (" + e.what() + ")");
  }
}

// The names of the kernel's arguments in argument-index order, as the xclbin declares them.
std::vector<std::string> kernel_argument_names(const xrt::xclbin& xclbin, const std::filesystem::path& path) {
  const xrt::xclbin::kernel kernel = xclbin.get_kernel(kXrtKernelName);
  if (!kernel) {
    std::string found;
    for (const auto& k : xclbin.get_kernels()) found += (found.empty() ? "" : ", ") + k.get_name();
    throw DeviceError("xrt backend: xclbin '" + path.string() + "' has no " + kXrtKernelName + " kernel" +
                      (found.empty() ? std::string(" (it has no kernels)") : " (it has: " + found + ")"));
  }
  std::vector<std::string> names(kernel.get_num_args());
  for (const auto& arg : kernel.get_args())
    if (arg.get_index() < names.size()) names[arg.get_index()] = arg.get_name();
  return names;
}

unsigned count_devices() {
  try {
    return static_cast<unsigned>(xrt::system::enumerate_devices());
  } catch (const std::exception& e) {
    // Without a board and driver XRT cannot even enumerate (e.g. "XILINX_XRT not set").
    const std::string what = e.what();
    const bool no_setup = what.find("XILINX_XRT") != std::string::npos;
    throw DeviceError("xrt backend: no Xilinx device found (XRT: " + what + ")" +
                      (no_setup ? "; on a machine with a board, source /opt/xilinx/xrt/setup.sh first" : ""));
  }
}

class XrtDevice final : public Device {
 public:
  XrtDevice(const std::filesystem::path& path, const xrt::xclbin& xclbin, std::vector<std::string> arg_names,
            unsigned index)
      : path_(path), arg_names_(std::move(arg_names)) {
    try {
      device_ = xrt::device(index);
      const xrt::uuid uuid = device_.load_xclbin(xclbin);
      kernel_ = xrt::kernel(device_, uuid, kXrtKernelName, xrt::kernel::cu_access_mode::exclusive);
    } catch (const std::exception& e) {
      throw DeviceError(xrt_context(path_) + ": cannot open " + kXrtKernelName + " on device " +
                        std::to_string(index) + ": " + e.what());
    }
    const std::string platform = xclbin.get_xsa_name();
    description_ = "xrt:" + std::to_string(index) + (platform.empty() ? "" : " " + platform) + " " +
                   path.filename().string();
  }

  std::string description() const override { return description_; }

  Buffer allocate(std::size_t bytes, std::string_view argument) override {
    if (bytes == 0) throw DeviceError(xrt_context(path_) + ": zero-byte allocation for '" + std::string(argument) + "'");
    const int arg_index = argument_index(argument);
    try {
      const int bank = kernel_.group_id(arg_index);
      buffers_.emplace_back(device_, bytes, xrt::bo::flags::normal, static_cast<xrt::memory_group>(bank));
      const xrt::bo& bo = buffers_.back();
      return Buffer{static_cast<uint32_t>(buffers_.size() - 1), bo.address(), bytes, bank};
    } catch (const std::exception& e) {
      throw DeviceError(xrt_context(path_) + ": cannot allocate " + std::to_string(bytes) + " bytes for argument '" +
                        std::string(argument) + "': " + e.what());
    }
  }

  void write(const Buffer& buffer, std::size_t offset, std::span<const std::byte> data) override {
    xrt::bo& bo = checked(buffer, offset, data.size(), "write");
    if (data.empty()) return;
    try {
      bo.write(data.data(), data.size(), offset);
      bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, data.size(), offset);
    } catch (const std::exception& e) {
      throw DeviceError(xrt_context(path_) + ": host-to-device copy failed: " + e.what());
    }
  }

  void read(const Buffer& buffer, std::size_t offset, std::span<std::byte> data) override {
    xrt::bo& bo = checked(buffer, offset, data.size(), "read");
    if (data.empty()) return;
    try {
      bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, data.size(), offset);
      bo.read(data.data(), data.size(), offset);
    } catch (const std::exception& e) {
      throw DeviceError(xrt_context(path_) + ": device-to-host copy failed: " + e.what());
    }
  }

  void write_register(uint32_t offset, uint32_t value) override {
    check_register(offset);
    try {
      kernel_.write_register(offset, value);
    } catch (const std::exception& e) {
      throw DeviceError(xrt_context(path_) + ": register write at " + hex(offset) + " failed: " + e.what());
    }
  }

  uint32_t read_register(uint32_t offset) override {
    check_register(offset);
    try {
      return kernel_.read_register(offset);
    } catch (const std::exception& e) {
      throw DeviceError(xrt_context(path_) + ": register read at " + hex(offset) + " failed: " + e.what());
    }
  }

  void start() override { write_register(regmap::ctrl::kOffset, regmap::ctrl::kApStart); }

  void wait(std::chrono::duration<double> timeout) override {
    // Polling, not interrupts: the per-token commands are short and the poll interval is
    // far below a token's time, while an interrupt round trip through the driver is not.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!(read_register(regmap::ctrl::kOffset) & regmap::ctrl::kApDone)) {
      if (std::chrono::steady_clock::now() > deadline)
        throw DeviceError(xrt_context(path_) + ": " + kXrtKernelName + " did not finish within the timeout of " +
                          std::to_string(timeout.count()) + " s (--timeout)");
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }

  std::vector<Counter> read_counters() override { return read_register_map_counters(*this); }

 private:
  int argument_index(std::string_view argument) const {
    for (std::size_t i = 0; i < arg_names_.size(); ++i)
      if (arg_names_[i] == argument) return static_cast<int>(i);
    throw DeviceError(xrt_context(path_) + ": " + kXrtKernelName + " has no argument '" + std::string(argument) +
                      "' (was the xclbin built with fewer weight ports?)");
  }

  xrt::bo& checked(const Buffer& buffer, std::size_t offset, std::size_t size, const char* what) {
    if (buffer.handle >= buffers_.size())
      throw DeviceError(xrt_context(path_) + ": " + what + " on a buffer this device did not allocate");
    xrt::bo& bo = buffers_[buffer.handle];
    if (offset > bo.size() || size > bo.size() - offset)
      throw DeviceError(xrt_context(path_) + ": " + what + " of " + std::to_string(size) + " bytes at offset " +
                        std::to_string(offset) + " overruns a buffer of " + std::to_string(bo.size()) + " bytes");
    return bo;
  }

  void check_register(uint32_t offset) const {
    if (offset % 4 != 0 || offset >= regmap::kAddressRange)
      throw DeviceError(xrt_context(path_) + ": register offset " + hex(offset) +
                        " is not a word inside the control window");
  }

  std::filesystem::path path_;
  std::vector<std::string> arg_names_;
  xrt::device device_;
  xrt::kernel kernel_;
  std::vector<xrt::bo> buffers_;
  std::string description_;
};

}  // namespace

std::unique_ptr<Device> open_xrt_device(const std::filesystem::path& xclbin_path, unsigned device_index) {
  // File problems first: they are the user's to fix and are checkable without a board.
  const xrt::xclbin xclbin = load_xclbin_file(xclbin_path);
  std::vector<std::string> arg_names = kernel_argument_names(xclbin, xclbin_path);
  // XRT's emulation devices (XCL_EMULATION_MODE = sw_emu, hw_emu, noop) are not enumerated
  // like boards; opening one by index is the only way to find out whether it is there.
  if (std::getenv("XCL_EMULATION_MODE") == nullptr) {
    const unsigned devices = count_devices();
    if (devices == 0) throw DeviceError("xrt backend: no Xilinx device found (xbutil examine lists none)");
    if (device_index >= devices)
      throw DeviceError("xrt backend: device index " + std::to_string(device_index) + " does not exist (found " +
                        std::to_string(devices) + " device" + (devices == 1 ? "" : "s") + ")");
  }
  return std::make_unique<XrtDevice>(xclbin_path, xclbin, std::move(arg_names), device_index);
}

}  // namespace mmfree::device
