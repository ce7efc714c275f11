// The XRT backend past the board check, on XRT's own "noop" emulation device (host-memory
// buffers, no kernel behind the registers): the xclbin is loaded, the compute unit opened for
// exclusive access, buffers allocated in the bank the xclbin connects each argument to and
// copied both ways, and the register access the noop device refuses comes back as one clear
// DeviceError. Run in child processes because XRT reads XILINX_XRT and XCL_EMULATION_MODE
// once per process.
#if MMFREE_BACKEND_XRT
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <cstdlib>
#include <string>
#include <vector>

#include "mmfree/xrt/xrt_device.hpp"
#include "mmfree/error.hpp"
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

}  // namespace
#else
#include <gtest/gtest.h>

TEST(XrtNoopDevice, SkippedWithoutXrt) {
  GTEST_SKIP() << "this build has no XRT (configured with -DMMFREE_BACKEND_XRT=OFF): nothing to test";
}
#endif
