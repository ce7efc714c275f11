#include "mmfree/measure/power_sampler.hpp"

#include <xrt/xrt_device.h>

#include <algorithm>
#include <experimental/xrt_system.h>
#include <nlohmann/json.hpp>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree::measure {

double PowerTrace::mean_watts() const {
  if (samples.empty()) return 0.0;
  if (samples.size() == 1) return samples.front().watts;
  // Each reading holds until the next one (the sensor value is a step function).
  double energy = 0;
  for (std::size_t k = 0; k + 1 < samples.size(); ++k)
    energy += samples[k].watts * (samples[k + 1].seconds - samples[k].seconds);
  const double span = samples.back().seconds - samples.front().seconds;
  return span > 0 ? energy / span : samples.front().watts;
}

double PowerTrace::sensor_update_interval_seconds() const {
  std::vector<double> gaps;
  double last_change = -1;
  for (std::size_t k = 1; k < samples.size(); ++k) {
    if (samples[k].watts == samples[k - 1].watts) continue;
    if (last_change >= 0) gaps.push_back(samples[k].seconds - last_change);
    last_change = samples[k].seconds;
  }
  if (gaps.empty()) return 0.0;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  return gaps[gaps.size() / 2];
}

double card_watts_from_electrical_json(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) throw Error("XRT electrical sensors: the report is not JSON");
  // XRT reports either the object itself or {"electrical": {...}} depending on the query path.
  if (json.contains("electrical")) json = json["electrical"];
  if (!json.contains("power_consumption_watts"))
    throw Error("XRT electrical sensors: no power_consumption_watts in the report");
  const auto& field = json["power_consumption_watts"];
  double watts = -1;
  if (field.is_number()) watts = field.get<double>();
  if (field.is_string()) {
    try {
      watts = std::stod(field.get<std::string>());
    } catch (const std::exception&) {
      watts = -1;
    }
  }
  if (!(watts >= 0)) throw Error("XRT electrical sensors: power_consumption_watts is not a number >= 0");
  return watts;
}

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

void PowerSampler::start() {
  if (running_) throw Error("power sampler: already running");
  samples_.clear();
  failure_ = nullptr;
  started_ = std::chrono::steady_clock::now();
  running_ = true;
  thread_ = std::thread([this] {
    try {
      while (running_) {
        const double watts = read_watts();
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        samples_.push_back({t, watts});
        std::this_thread::sleep_for(poll_interval_);
      }
    } catch (...) {
      failure_ = std::current_exception();
    }
  });
}

PowerTrace PowerSampler::stop() {
  if (!running_) throw Error("power sampler: stop() without start()");
  running_ = false;
  thread_.join();
  if (failure_) std::rethrow_exception(failure_);
  PowerTrace trace;
  trace.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  trace.poll_interval_seconds = std::chrono::duration<double>(poll_interval_).count();
  trace.samples = std::move(samples_);
  return trace;
}

PowerTrace PowerSampler::sample_for(double seconds) {
  start();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return stop();
}

}  // namespace mmfree::measure
