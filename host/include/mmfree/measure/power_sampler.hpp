// Card power from XRT's electrical sensors (xrt::info::device::electrical, the JSON that
// `xbutil examine -r electrical` prints), sampled by a background thread while a workload
// runs. Alveo sensors update about once a second: the sampler polls faster and reports how
// often the value actually changed, so the result says what resolution it had.
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
  double mean_watts() const;        // time-weighted over the samples
  // Median time between two different consecutive readings: the sensor's own update
  // interval as seen from here (0 when the reading never changed).
  double sensor_update_interval_seconds() const;
};

// The whole-card power in watts from the electrical JSON; Error naming the field when the
// JSON has no readable "power_consumption_watts".
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
