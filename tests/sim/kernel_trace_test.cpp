// `--trace FILE`: the traced build of the kernel writes an FST waveform, and a path it cannot
// write is a DeviceError naming the file (the untraced build stays the default).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/sim/sim_device.hpp"

namespace mmfree::sim_test {
namespace {

namespace fs = std::filesystem;

TEST(SimKernelTrace, TracedBuildWritesAnFstWaveform) {
  const fs::path file = fs::temp_directory_path() / ("mmfree_sim_trace_" + std::to_string(::getpid()) + ".fst");
  fs::remove(file);
  {
    sim::SimDeviceOptions options;
    options.trace_file = file;
    auto device = sim::open_sim_kernel(options);
    EXPECT_NE(device->description().find("(traced)"), std::string::npos) << device->description();
    EXPECT_EQ(device->read_register(regmap::hw_magic::kOffset), regmap::kKernelMagic);
    for (int k = 0; k < 100; ++k) device->harness().tick();
  }  // closing the device finishes the file
  ASSERT_TRUE(fs::exists(file));
  EXPECT_GT(fs::file_size(file), 100u);
  fs::remove(file);
}

TEST(SimKernelTrace, UnwritableTracePathIsADeviceErrorNamingIt) {
  sim::SimDeviceOptions options;
  options.trace_file = "/nonexistent-directory/wave.fst";
  try {
    sim::open_sim_kernel(options);
    FAIL() << "a trace file in a missing directory cannot be opened";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-directory/wave.fst"), std::string::npos) << e.what();
  }
}

TEST(SimKernelTrace, FastBuildIsTheDefault) {
  auto device = sim::open_sim_kernel({});
  EXPECT_NE(device->description().find("(fast)"), std::string::npos) << device->description();
}

}  // namespace
}  // namespace mmfree::sim_test
