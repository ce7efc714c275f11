// Stands in for kernel_top.cpp when this build could not Verilate the kernel (see
// sim/CMakeLists.txt): every way of opening it says why, as a DeviceError.
#include "mmfree/error.hpp"
#include "mmfree/sim/sim_device.hpp"

namespace mmfree::sim {

std::string sim_kernel_configuration() { return std::string("none: ") + MMFREE_SIM_KERNEL_STATUS; }

std::unique_ptr<VerilatedTop> make_kernel_top(bool) {
  throw DeviceError(std::string("sim: this build has no Verilated kernel (") + MMFREE_SIM_KERNEL_STATUS +
                    "); reconfigure once hw/rtl/kernel/ Verilates");
}

std::unique_ptr<SimDevice> open_sim_kernel(const SimDeviceOptions&) {
  make_kernel_top(false);
  return nullptr;
}

}  // namespace mmfree::sim
