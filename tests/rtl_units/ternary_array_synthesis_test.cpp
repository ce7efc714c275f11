// The ternary accumulate array must cost no DSP blocks: its weights only select add, subtract
// or skip. Yosys synth_xilinx (UltraScale+) of a 64-weight-per-beat instance must map no DSP48E2.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

namespace mmfree::rtl_test {
namespace {

const std::filesystem::path kDatapath = std::filesystem::path(MMFREE_SOURCE_ROOT) / "hw/rtl/datapath";
const char* const kArraySources[] = {"ternary_adder_tree.sv", "row_result_fifo.sv", "ternary_accumulate_array.sv"};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string run(const std::string& command, int& status) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string output;
  if (!pipe) {
    status = -1;
    return output;
  }
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) output += buffer.data();
  status = pclose(pipe.release());
  return output;
}

TEST(TernaryArraySynthesis, YosysMapsNoDsp) {
  std::ostringstream name;
  name << "mmfree_array_synth_" << ::getpid() << ".txt";
  const std::filesystem::path out = std::filesystem::temp_directory_path() / name.str();
  std::ostringstream command;
  command << "yosys -q -p 'read_verilog -sv";
  for (const char* file : kArraySources) command << ' ' << (kDatapath / file).string();
  command << "; chparam -set BeatBits 64 ternary_accumulate_array"
          << "; synth_xilinx -family xcup -flatten -top ternary_accumulate_array"
          << "; tee -q -o " << out.string() << " stat -tech xilinx' 2>&1";
  int status = 0;
  const std::string log = run(command.str(), status);
  ASSERT_EQ(status, 0) << log;
  const std::string stat = read_text(out);
  std::filesystem::remove(out);
  std::cout << stat;
  EXPECT_EQ(stat.find("DSP48"), std::string::npos) << stat;
  EXPECT_NE(stat.find("CARRY"), std::string::npos) << "no adders mapped at all?\n" << stat;
  EXPECT_NE(stat.find("LUT"), std::string::npos) << stat;
}

}  // namespace
}  // namespace mmfree::rtl_test
