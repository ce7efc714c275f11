// Card power from XRT's electrical sensors, sampled by a background thread while a workload
// runs. Alveo sensors update about once a second: the sampler polls faster and reports how
// often the value actually changed, so the result says what resolution it had.
//
// xrt::device::get_info<xrt::info::device::electrical>() returns XRT's sensor tree
// (core/common/sensor.cpp, xrt_core::sensor::read_electrical) written by Boost's JSON writer,
// so every value is a string:
//   {"power_rails": [{"id": "12v_pex", "description": ..., "voltage": {"volts": "12.112", ...},
//                     "current": {"amps": "1.604", ...}}, ...],
//    "power_consumption_max_watts": "225", "power_consumption_watts": "22.462431",
//    "power_consumption_warning": "false"}
// power_consumption_watts is the whole card's input power ("N/A" when the firmware has none;
// {"msg": "No sensors present"} on a card without sensors). `xbutil examine -r electrical
// --format JSON` nests the same object under "electrical".
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

namespace mmfree::measure {

struct PowerSample {
  double seconds = 0;  // since start()
  double watts = 0;
};

struct PowerTrace {
  std::vector<PowerSample> samples;
  double duration_seconds = 0;      // start() to stop()
  double poll_interval_seconds = 0;
  // Time-weighted mean: each reading holds until the next, the last one until duration_seconds.
  double mean_watts() const;
  // Median time between two different consecutive readings: the sensor's own update
  // interval as seen from here (0 when the reading never changed).
  double sensor_update_interval_seconds() const;
  // How many different readings the window saw (runs of equal consecutive samples count once):
  // the number of sensor updates the mean rests on.
  unsigned distinct_readings() const;
};

// The whole-card power in watts from that JSON (bare or under "electrical"). DeviceError naming
// power_consumption_watts when it is missing, "N/A", not a number in full, <= 0 or implausibly
// large (> 1000 W: a raw sensor value without its unit).
double card_watts_from_electrical_json(std::string_view json);

class PowerSampler {
 public:
  // Opens board `device_index` for sensor reads only (no xclbin, no kernel). DeviceError
  // when XRT finds no board: measured energy needs one.
  explicit PowerSampler(unsigned device_index,
                        std::chrono::milliseconds poll_interval = std::chrono::milliseconds(100));
  ~PowerSampler();
  PowerSampler(const PowerSampler&) = delete;
  PowerSampler& operator=(const PowerSampler&) = delete;

  double read_watts();  // one reading now
  void start();
  PowerTrace stop();
  // Samples for `seconds` with nothing of ours running: the card's idle power.
  PowerTrace sample_for(double seconds);

 private:
  struct Board;
  std::unique_ptr<Board> board_;
  std::chrono::milliseconds poll_interval_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::vector<PowerSample> samples_;
  std::exception_ptr failure_;  // a sensor read that failed in the thread, rethrown by stop()
  std::chrono::steady_clock::time_point started_;
};

}  // namespace mmfree::measure
