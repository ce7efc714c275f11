// PowerSampler's board in a build without XRT (-DMMFREE_BACKEND_XRT=OFF): there is no way to
// read a card's sensors, and the error says so.
#include "mmfree/error.hpp"
#include "mmfree/measure/power_sampler.hpp"

namespace mmfree::measure {

struct PowerSampler::Board {};

PowerSampler::PowerSampler(unsigned, std::chrono::milliseconds poll_interval) : poll_interval_(poll_interval) {
  throw DeviceError("measured energy needs a board through XRT, and this build has no XRT (-DMMFREE_BACKEND_XRT=OFF)");
}

PowerSampler::~PowerSampler() {
  if (running_) {
    running_ = false;
    thread_.join();
  }
}

double PowerSampler::read_watts() { throw DeviceError("this build has no XRT (-DMMFREE_BACKEND_XRT=OFF)"); }

}  // namespace mmfree::measure
