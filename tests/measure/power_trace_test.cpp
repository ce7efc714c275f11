// PowerTrace arithmetic (mean power of a window of sensor readings, the sensor's update
// interval, the readings a mean rests on) and PowerSampler's answer when there is no board.
#include <gtest/gtest.h>

#if MMFREE_BACKEND_XRT
#include <experimental/xrt_system.h>
#endif

#include <cstdlib>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/measure/power_sampler.hpp"

namespace {

using mmfree::measure::PowerSample;
using mmfree::measure::PowerTrace;

PowerTrace trace(std::vector<PowerSample> samples, double duration) {
  PowerTrace t;
  t.samples = std::move(samples);
  t.duration_seconds = duration;
  t.poll_interval_seconds = 0.1;
  return t;
}

TEST(PowerTrace, MeanHoldsEachReadingUntilTheNextAndTheLastUntilStop) {
  // 10 W for 1 s, 20 W for 1 s, 40 W from 2 s until stop() at 4 s: (10 + 20 + 80) / 4.
  const PowerTrace t = trace({{0.0, 10.0}, {1.0, 20.0}, {2.0, 40.0}}, 4.0);
  EXPECT_DOUBLE_EQ(t.mean_watts(), 27.5);
}

TEST(PowerTrace, MeanStartsAtTheFirstSample) {
  // The first reading came 0.5 s after start(): the window is [0.5, 2.5].
  const PowerTrace t = trace({{0.5, 12.0}, {1.5, 16.0}}, 2.5);
  EXPECT_DOUBLE_EQ(t.mean_watts(), 14.0);
}

TEST(PowerTrace, OneSampleOrNoneIsItsOwnMean) {
  EXPECT_DOUBLE_EQ(trace({{0.0, 17.5}}, 0.0).mean_watts(), 17.5);
  EXPECT_DOUBLE_EQ(trace({{0.0, 17.5}}, 3.0).mean_watts(), 17.5);
  EXPECT_DOUBLE_EQ(trace({}, 3.0).mean_watts(), 0.0);
}

TEST(PowerTrace, UpdateIntervalIsTheMedianGapBetweenChanges) {
  // Polled every 0.25 s; the value changes at 1.0, 2.0, 3.0 and 4.5 s: gaps 1, 1, 1.5.
  std::vector<PowerSample> samples;
  for (int k = 0; k <= 20; ++k) {
    const double t = 0.25 * k;
    const double watts = t < 1.0 ? 15 : t < 2.0 ? 16 : t < 3.0 ? 15.5 : t < 4.5 ? 17 : 16.5;
    samples.push_back({t, watts});
  }
  const PowerTrace t = trace(samples, 5.0);
  EXPECT_DOUBLE_EQ(t.sensor_update_interval_seconds(), 1.0);
  EXPECT_EQ(t.distinct_readings(), 5u);
}

TEST(PowerTrace, ConstantReadingHasNoUpdateIntervalAndOneReading) {
  const PowerTrace t = trace({{0.0, 15.0}, {0.1, 15.0}, {0.2, 15.0}}, 0.3);
  EXPECT_DOUBLE_EQ(t.sensor_update_interval_seconds(), 0.0);
  EXPECT_EQ(t.distinct_readings(), 1u);
  EXPECT_EQ(trace({}, 0.3).distinct_readings(), 0u);
}

bool board_present() {
#if MMFREE_BACKEND_XRT
  try {
    return xrt::system::enumerate_devices() > 0;
  } catch (const std::exception&) {
    return false;
  }
#else
  return false;  // the sampler reports that this build has no XRT instead
#endif
}

TEST(PowerSampler, WithoutABoardSaysMeasuringNeedsOne) {
  if (board_present()) GTEST_SKIP() << "a Xilinx board is present; the no-board path cannot be reached";
  if (std::getenv("XCL_EMULATION_MODE") != nullptr) GTEST_SKIP() << "XRT emulation devices are not enumerated";
  try {
    mmfree::measure::PowerSampler sampler(0);
    FAIL() << "PowerSampler opened a device on a machine without one";
  } catch (const mmfree::DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("measured energy needs a board"), std::string::npos) << e.what();
  }
}

}  // namespace
