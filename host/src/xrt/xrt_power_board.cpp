// PowerSampler's board: XRT's electrical sensors of one Alveo card.
#include <xrt/xrt_device.h>

#include <experimental/xrt_system.h>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/measure/power_sampler.hpp"

namespace mmfree::measure {

struct PowerSampler::Board {
  xrt::device device;
};

PowerSampler::PowerSampler(unsigned device_index, std::chrono::milliseconds poll_interval)
    : poll_interval_(poll_interval) {
  unsigned devices = 0;
  try {
    devices = static_cast<unsigned>(xrt::system::enumerate_devices());
  } catch (const std::exception& e) {
    throw DeviceError(std::string("measured energy needs a board: XRT finds no device (") + e.what() + ")");
  }
  if (devices == 0) throw DeviceError("measured energy needs a board: XRT finds no Xilinx device");
  if (device_index >= devices)
    throw DeviceError("measured energy: device index " + std::to_string(device_index) + " does not exist (found " +
                      std::to_string(devices) + ")");
  try {
    board_ = std::make_unique<Board>(Board{xrt::device(device_index)});
  } catch (const std::exception& e) {
    throw DeviceError("measured energy: cannot open device " + std::to_string(device_index) + ": " + e.what());
  }
}

PowerSampler::~PowerSampler() {
  if (running_) {
    running_ = false;
    thread_.join();
  }
}

double PowerSampler::read_watts() {
  return card_watts_from_electrical_json(board_->device.get_info<xrt::info::device::electrical>());
}

}  // namespace mmfree::measure
