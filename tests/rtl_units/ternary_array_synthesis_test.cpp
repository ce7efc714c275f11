// The ternary accumulate array must cost no DSP blocks: its weights only select add, subtract
// or skip. Yosys synth_xilinx (UltraScale+) of a 64-weight-per-beat instance must map no DSP48E2.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

namespace mmfree::rtl_test {
namespace {

const std::filesystem::path kDatapath = std::filesystem::path(MMFREE_SOURCE_ROOT) / "hw/rtl/datapath";
const char* const kArraySources[] = {"ternary_adder_tree.sv", "row_result_fifo.sv", "ternary_accumulate_array.sv"};

TEST(TernaryArraySynthesis, YosysMapsNoDsp) {
  const test::TempDir tmp;
  const std::filesystem::path out = tmp.path() / "stat.txt";
  std::ostringstream script;
  script << "read_verilog -sv";
  for (const char* file : kArraySources) script << ' ' << (kDatapath / file).string();
  script << "; chparam -set BeatBits 64 ternary_accumulate_array"
         << "; synth_xilinx -family xcup -flatten -top ternary_accumulate_array"
         << "; tee -q -o " << out.string() << " stat -tech xilinx";
  const auto yosys = test::run_child({"yosys", "-q", "-p", script.str()});
  ASSERT_EQ(yosys.exit_code, 0) << yosys.output();
  const std::string stat = test::read_file(out);
  std::cout << stat;
  EXPECT_EQ(stat.find("DSP48"), std::string::npos) << stat;
  EXPECT_NE(stat.find("CARRY"), std::string::npos) << "no adders mapped at all?\n" << stat;
  EXPECT_NE(stat.find("LUT"), std::string::npos) << stat;
}

}  // namespace
}  // namespace mmfree::rtl_test
