// scripts/lint.sh: `verilator --lint-only -Wall` must be clean on every module of hw/rtl.
#include <gtest/gtest.h>

#include <string>

#include "support/child_process.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(RtlLint, EveryModuleIsVerilatorWallClean) {
  const auto lint = test::run_child({std::string(MMFREE_SOURCE_ROOT) + "/scripts/lint.sh"});
  const std::string output = lint.output();
  EXPECT_EQ(lint.exit_code, 0) << output;
  EXPECT_NE(output.find("modules clean"), std::string::npos) << output;
}

}  // namespace
}  // namespace mmfree::rtl_test
