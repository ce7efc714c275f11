// The XRT backend's failure modes, exercised for real: XRT's own xclbin parser and device
// enumeration run against files made here, on a machine that has no board.
#if MMFREE_BACKEND_XRT
#include <experimental/xrt_system.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "mmfree/xrt/xrt_device.hpp"
#include "mmfree/error.hpp"
#include "xclbin_writer.hpp"

namespace {

namespace fs = std::filesystem;
using mmfree::DeviceError;
using mmfree::device::open_xrt_device;

class XrtDeviceErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mmfree_xrt_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs open_xrt_device and returns the DeviceError's message; fails if it does not throw one.
  static std::string open_error(const fs::path& xclbin, unsigned index = 0) {
    try {
      open_xrt_device(xclbin, index);
    } catch (const DeviceError& e) {
      return e.what();
    }
    ADD_FAILURE() << "open_xrt_device(" << xclbin << ") did not throw DeviceError";
    return {};
  }

  fs::path dir_;
};

bool board_present() {
  try {
    return xrt::system::enumerate_devices() > 0;
  } catch (const std::exception&) {
    return false;
  }
}

TEST_F(XrtDeviceErrors, NoXclbinGivenAsksForTheFlag) {
  EXPECT_NE(open_error({}).find("--xclbin"), std::string::npos);
}

TEST_F(XrtDeviceErrors, MissingXclbinNamesThePath) {
  const fs::path missing = dir_ / "nowhere.xclbin";
  const std::string message = open_error(missing);
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
}

TEST_F(XrtDeviceErrors, DirectoryIsNotAnXclbin) {
  const std::string message = open_error(dir_);
  EXPECT_NE(message.find("directory"), std::string::npos) << message;
}

TEST_F(XrtDeviceErrors, GarbageFileIsNotAnXclbin) {
  const fs::path garbage = dir_ / "garbage.xclbin";
  std::ofstream(garbage) << "this is not an FPGA binary\n";
  const std::string message = open_error(garbage);
  EXPECT_NE(message.find("not a valid xclbin"), std::string::npos) << message;
  EXPECT_NE(message.find(garbage.string()), std::string::npos) << message;
}

TEST_F(XrtDeviceErrors, XclbinWithoutKernelsSaysSo) {
  const fs::path empty = dir_ / "empty.xclbin";
  mmfree::test::write_xclbin(empty, "");
  const std::string message = open_error(empty);
  EXPECT_NE(message.find("has no mmfree_kernel"), std::string::npos) << message;
  EXPECT_NE(message.find("no kernels"), std::string::npos) << message;
}

TEST_F(XrtDeviceErrors, XclbinWithOtherKernelListsWhatItHas) {
  const fs::path vadd = dir_ / "vadd.xclbin";
  mmfree::test::write_xclbin(vadd, "vadd");
  const std::string message = open_error(vadd);
  EXPECT_NE(message.find("has no mmfree_kernel"), std::string::npos) << message;
  EXPECT_NE(message.find("vadd"), std::string::npos) << message;
}

TEST_F(XrtDeviceErrors, GoodXclbinWithoutBoardSaysNoDevice) {
  if (board_present()) GTEST_SKIP() << "a Xilinx board is present; the no-board path cannot be reached";
  if (std::getenv("XCL_EMULATION_MODE") != nullptr) GTEST_SKIP() << "XRT emulation devices are not enumerated";
  const fs::path good = dir_ / "mmfree.xclbin";
  mmfree::test::write_xclbin(good, "mmfree_kernel", {"params", "state", "io", "w00"});
  const std::string message = open_error(good);
  EXPECT_NE(message.find("no Xilinx device found"), std::string::npos) << message;
}

}  // namespace
#else
#include <gtest/gtest.h>

TEST(XrtDeviceErrors, SkippedWithoutXrt) {
  GTEST_SKIP() << "this build has no XRT (configured with -DMMFREE_BACKEND_XRT=OFF): nothing to test";
}
#endif
