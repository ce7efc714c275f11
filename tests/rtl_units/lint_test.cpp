// scripts/lint.sh: `verilator --lint-only -Wall` must be clean on every module of hw/rtl.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace mmfree::rtl_test {
namespace {

TEST(RtlLint, EveryModuleIsVerilatorWallClean) {
  const std::string command = std::string(MMFREE_SOURCE_ROOT) + "/scripts/lint.sh 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  ASSERT_NE(pipe, nullptr) << "cannot run " << command;
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) output += buffer.data();
  const int status = pclose(pipe.release());
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("modules clean"), std::string::npos) << output;
}

}  // namespace
}  // namespace mmfree::rtl_test
