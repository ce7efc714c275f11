// The power sampler's polling and arithmetic; opening the board and reading its sensors is in
// xrt/xrt_power_board.cpp (or no_xrt/ in a build without XRT).
#include "mmfree/measure/power_sampler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree::measure {

double PowerTrace::mean_watts() const {
  if (samples.empty()) return 0.0;
  // Each reading holds until the next one (the sensor value is a step function), and the last
  // one until stop(): the window is [first sample, duration].
  const double end = std::max(samples.back().seconds, duration_seconds);
  const double span = end - samples.front().seconds;
  if (!(span > 0)) return samples.front().watts;
  double energy = 0;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const double until = k + 1 < samples.size() ? samples[k + 1].seconds : end;
    energy += samples[k].watts * (until - samples[k].seconds);
  }
  return energy / span;
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

unsigned PowerTrace::distinct_readings() const {
  unsigned readings = samples.empty() ? 0 : 1;
  for (std::size_t k = 1; k < samples.size(); ++k)
    if (samples[k].watts != samples[k - 1].watts) ++readings;
  return readings;
}

namespace {

// A card drawing more than this is not an Alveo or Kria reading but a unit error: some XRT
// releases wrote the raw sensor value of data-driven (VMR) cards without applying its unit
// modifier (core/common/sensor.cpp, read_data_driven_electrical).
constexpr double kImplausibleCardWatts = 1000.0;

std::string json_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

double card_watts_from_electrical_json(std::string_view text) {
  const std::string where = "XRT electrical sensors";
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) throw DeviceError(where + ": the report is not JSON");
  if (!json.is_object()) throw DeviceError(where + ": the report is not a JSON object");
  // `xbutil examine -r electrical --format JSON` nests the same object under "electrical";
  // xrt::info::device::electrical returns it bare.
  if (json.contains("electrical") && json["electrical"].is_object()) json = json["electrical"];
  if (!json.contains("power_consumption_watts")) {
    // A card without sensors: {"msg": "No sensors present"}; a failed query: "error_msg".
    for (const char* key : {"msg", "error_msg"})
      if (json.contains(key)) throw DeviceError(where + ": no power_consumption_watts (XRT: " + json_text(json[key]) + ")");
    throw DeviceError(where + ": no power_consumption_watts in the report");
  }
  // Boost's JSON writer, which XRT uses, writes every value as a string ("22.462431"); "N/A"
  // means the card or its firmware gave no board power. A number is accepted too.
  const auto& field = json["power_consumption_watts"];
  const std::string value = json_text(field);
  if (!field.is_string() && !field.is_number())
    throw DeviceError(where + ": power_consumption_watts is " + value + ", not a number");
  if (value == "N/A")
    throw DeviceError(where + ": power_consumption_watts is N/A (the card's firmware reports no board power)");
  double watts = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), watts);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(watts))
    throw DeviceError(where + ": power_consumption_watts = '" + value + "' is not a number");
  if (!(watts > 0))
    throw DeviceError(where + ": power_consumption_watts = " + value + ": a powered card draws more than 0 W");
  if (watts > kImplausibleCardWatts)
    throw DeviceError(where + ": power_consumption_watts = " + value +
                      " W is implausible for one card (a sensor value without its unit?)");
  return watts;
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
