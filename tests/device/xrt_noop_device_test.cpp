// The XRT backend past the board check, on XRT's own "noop" emulation device (host-memory
// buffers, no kernel behind the registers): the xclbin is loaded, the compute unit opened for
// exclusive access, buffers allocated in the bank the xclbin connects each argument to and
// copied both ways, and the register access the noop device refuses comes back as one clear
// DeviceError. Run in child processes because XRT reads XILINX_XRT and XCL_EMULATION_MODE
// once per process.
#if MMFREE_BACKEND_XRT
#include <experimental/xrt_system.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <exception>
#include <filesystem>
#include <optional>
#include <cstdlib>
#include <string>
#include <vector>

#include "mmfree/xrt/xrt_device.hpp"
#include "mmfree/error.hpp"
#include "mmfree/regmap.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"
#include "xclbin_writer.hpp"
#include "support/coverage_gap.hpp"

namespace {

namespace fs = std::filesystem;

// Where this machine's XRT libraries (with the noop shim) live, or empty.
fs::path xrt_library_dir() {
  for (const char* dir : {"/opt/xilinx/xrt/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"})
    if (fs::exists(fs::path(dir) / "libxrt_core.so.2") && fs::exists(fs::path(dir) / "libxrt_noop.so.2")) return dir;
  return {};
}

// A fake XRT installation (links to this machine's XRT libraries, which XRT looks for in
// $XILINX_XRT/lib) and an xclbin with mmfree_kernel, removed again on destruction.
class NoopSetup {
 public:
  NoopSetup() {
    const fs::path libs = xrt_library_dir();
    if (libs.empty()) return;
    root_ = fs::temp_directory_path() / ("mmfree_xrt_noop_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "lib");
    for (const auto& entry : fs::directory_iterator(libs))
      if (entry.path().filename().string().starts_with("libxrt_"))
        fs::create_symlink(entry.path(), root_ / "lib" / entry.path().filename());
    xclbin_ = root_ / "mmfree.xclbin";
    mmfree::test::write_xclbin(xclbin_, "mmfree_kernel", {"params", "state", "io", "w00", "w01", "w02", "w03"});
  }
  ~NoopSetup() {
    if (!root_.empty()) fs::remove_all(root_);
  }
  bool available() const { return !root_.empty(); }
  const fs::path& xclbin() const { return xclbin_; }
  mmfree::test::EnvironmentChanges environment() const {
    return {{"XILINX_XRT", root_.string()}, {"XCL_EMULATION_MODE", "noop"}, {"MMFREE_TEST_XCLBIN", xclbin_.string()}};
  }

 private:
  fs::path root_, xclbin_;
};

bool board_present() {
  try {
    return xrt::system::enumerate_devices() > 0;
  } catch (const std::exception&) {
    return false;
  }
}

// Runs inside the child process started below (skipped everywhere else).
TEST(XrtNoopInChild, BuffersGoBothWaysAndMisuseIsADeviceError) {
  const char* mode = std::getenv("XCL_EMULATION_MODE");
  const char* xclbin = std::getenv("MMFREE_TEST_XCLBIN");
  if (mode == nullptr || std::string(mode) != "noop" || xclbin == nullptr) GTEST_SKIP() << "runs in a child process";
  const auto device = mmfree::device::open_xrt_device(xclbin, 0);
  const auto buffer = device->allocate(8192, "w01");
  EXPECT_NE(buffer.address, 0u);
  EXPECT_EQ(buffer.bank, 0);  // the one DDR bank the xclbin connects w01 to
  std::vector<std::byte> data(100), back(100);
  for (std::size_t k = 0; k < data.size(); ++k) data[k] = std::byte(k * 7);
  device->write(buffer, 4000, data);
  device->read(buffer, 4000, back);
  EXPECT_EQ(back, data);
  EXPECT_THROW(device->write(buffer, 8100, data), mmfree::DeviceError);
  EXPECT_THROW(device->allocate(64, "w04"), mmfree::DeviceError) << "the xclbin has four weight ports";
  EXPECT_THROW(device->start(), mmfree::DeviceError) << "the noop device refuses register writes";
}

// The message of the DeviceError that `action` throws ("" and a failure if it throws none).
template <class Action>
std::string device_error(Action action) {
  try {
    action();
  } catch (const mmfree::DeviceError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DeviceError";
  return {};
}

// The checks the backend makes itself, before XRT sees the request: a buffer handle this
// device never gave out, and register offsets outside the control window or not word-aligned.
TEST(XrtNoopInChild, ForeignBuffersAndBadRegisterOffsetsAreRefusedByName) {
  const char* mode = std::getenv("XCL_EMULATION_MODE");
  const char* xclbin = std::getenv("MMFREE_TEST_XCLBIN");
  if (mode == nullptr || std::string(mode) != "noop" || xclbin == nullptr) GTEST_SKIP() << "runs in a child process";
  const auto device = mmfree::device::open_xrt_device(xclbin, 0);
  const std::string context = "xrt (" + std::string(xclbin) + "): ";
  // A whole page: XRT allocates host memory with aligned_alloc(4096, size), which C (and ASan)
  // require to be a multiple of the alignment.
  const auto own = device->allocate(4096, "io");
  std::vector<std::byte> data(16);
  // Handle 1 was never allocated here (only handle 0): a buffer of another device, or a forged one.
  const mmfree::device::Buffer foreign{own.handle + 1, own.address, 4096, own.bank};
  EXPECT_EQ(device_error([&] { device->write(foreign, 0, data); }),
            context + "write on a buffer this device did not allocate");
  EXPECT_EQ(device_error([&] { device->read(foreign, 0, data); }),
            context + "read on a buffer this device did not allocate");
  EXPECT_EQ(device_error([&] { device->read(own, 4090, data); }),
            context + "read of 16 bytes at offset 4090 overruns a buffer of 4096 bytes");
  EXPECT_EQ(device_error([&] { device->read_register(0x182); }),
            context + "register offset 0x182 is not a word inside the control window");
  EXPECT_EQ(device_error([&] { device->write_register(mmfree::regmap::kAddressRange, 1); }),
            context + "register offset 0x1000 is not a word inside the control window");
  EXPECT_EQ(device_error([&] { device->read_register(0xFFFFFFFC); }),
            context + "register offset 0xFFFFFFFC is not a word inside the control window");
}

TEST(XrtNoopDevice, BackendWorksUpToTheRegistersTheNoopDeviceRefuses) {
  const NoopSetup setup;
  if (!setup.available()) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("no XRT noop shim on this machine");

  const auto in_child = mmfree::test::run_child(
      {"/proc/" + std::to_string(::getpid()) + "/exe", "--gtest_filter=XrtNoopInChild.*", "--gtest_brief=1"},
      setup.environment());
  std::string out = in_child.output();
  EXPECT_EQ(in_child.exit_code, 0) << out;
  EXPECT_EQ(out.find("SKIPPED"), std::string::npos) << out;

  const fs::path xclbin = setup.xclbin();
  const auto bench = mmfree::test::run_cli({"bench", "--backend", "xrt", "--xclbin", xclbin.string(), "--model",
                                            mmfree::test::demo_model_dir().string(), "-p", "1", "-n", "1", "-r", "1"},
                                           setup.environment());
  out = bench.output();
  EXPECT_EQ(bench.exit_code, 1) << out;
  // The first thing the runtime does with an opened kernel is read hw_magic (0x180).
  EXPECT_NE(out.find("mmfree bench: error: xrt (" + xclbin.string() + "): register read at 0x180 failed"),
            std::string::npos)
      << out;
}

// --device through the CLI. XRT's emulation devices are not counted (the noop shim opens any
// index), so an index is checked against the boards XRT enumerates: on a machine without one,
// every index ends in "no Xilinx device found" before any register is touched. An index outside
// the flag's range, or not a number, is a usage error (exit 2) on any machine.
TEST(XrtNoopDevice, DeviceFlagOutOfReachIsAClearError) {
  const NoopSetup setup;
  if (!setup.available()) MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("no XRT noop shim on this machine");
  const std::string xclbin = setup.xclbin().string(), model = mmfree::test::demo_model_dir().string();
  const auto bench = [&](const std::string& index, mmfree::test::EnvironmentChanges environment) {
    return mmfree::test::run_cli({"bench", "--backend", "xrt", "--xclbin", xclbin, "--device", index, "--model", model,
                                  "-p", "1", "-n", "1", "-r", "1"},
                                 environment);
  };
  const std::string opening = "bench: " + model + " on xrt\n";
  for (const std::string index : {"1024", "first", "-1"}) {
    const auto r = bench(index, setup.environment());
    EXPECT_EQ(r.exit_code, 2) << r.output();
    EXPECT_EQ(r.err, opening + "mmfree bench: the argument ('" + index +
                         "') for option '--device' is invalid: it must be an integer from 0 to 1023\n");
  }
  if (board_present()) return;  // the no-board path below cannot be reached
  auto no_emulation = setup.environment();
  no_emulation["XCL_EMULATION_MODE"] = std::nullopt;
  const auto r = bench("7", no_emulation);
  EXPECT_EQ(r.exit_code, 1) << r.output();
  EXPECT_TRUE(r.err.starts_with(opening + "mmfree bench: error: xrt backend: no Xilinx device found")) << r.err;
}

}  // namespace
#else
#include <gtest/gtest.h>

TEST(XrtNoopDevice, SkippedWithoutXrt) {
  GTEST_SKIP() << "this build has no XRT (configured with -DMMFREE_BACKEND_XRT=OFF): nothing to test";
}
#endif
