// The contract description is the one source of the device descriptor's layout: when a field
// moves in hw/contract/mmfree_contract.toml, the generated C++ struct and the SystemVerilog
// desc_t both follow, and code written against the old offset stops compiling (C++) or
// elaborating (SystemVerilog). The checks compile real code with the build's own compiler and
// elaborate real SystemVerilog with Verilator; nothing is compared as text.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "mmfree/contract.hpp"
#include "mmfree/mmf_format.hpp"

namespace {

namespace fs = std::filesystem;
namespace ct = mmfree::contract;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int run(const std::string& command, const fs::path& log) {
  return std::system((command + " > " + log.string() + " 2>&1").c_str());
}

class ContractViews : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mmfree_contract_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The real description with `from` replaced by `to` (each must occur exactly once).
  fs::path edited(const std::string& name, const std::string& from, const std::string& to) {
    std::string text = slurp(MMFREE_CONTRACT_DESCRIPTION);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from << " occurs twice";
    text.replace(at, from.size(), to);
    const fs::path p = dir_ / (name + ".toml");
    std::ofstream(p) << text;
    return p;
  }

  // Generates the C++ header and SV package of `description` under dir_/name/.
  fs::path generate(const std::string& name, const fs::path& description) {
    const fs::path out = dir_ / name;
    const int rc = run(std::string(MMFREE_PYTHON) + " " + MMFREE_CONTRACT_GENERATOR + " --description " +
                           description.string() + " --cpp-contract " + (out / "mmfree" / "contract.hpp").string() +
                           " --sv-contract " + (out / "mmfree_contract_pkg.sv").string(),
                       dir_ / (name + ".gen.log"));
    EXPECT_EQ(rc, 0) << slurp(dir_ / (name + ".gen.log"));
    return out;
  }

  // Whether C++ code asserting that `field` sits at byte `offset` compiles against the header.
  bool cpp_has_field_at(const fs::path& generated, const std::string& field, unsigned offset) {
    const fs::path source = dir_ / "check.cpp";
    std::ofstream(source) << "#include \"mmfree/contract.hpp\"\n"
                          << "static_assert(offsetof(mmfree::contract::DeviceDescriptor, " << field
                          << ") == " << offset << ");\n";
    return run(std::string(MMFREE_CXX_COMPILER) + " -std=c++20 -fsyntax-only -I " + generated.string() + " " +
                   source.string(),
               dir_ / "cpp.log") == 0;
  }

  // Whether a 32-bit field of desc_t, set alone, lands in the bits of byte `offset` of the
  // 1024-bit descriptor: an elaboration-time $error in Verilator otherwise.
  bool sv_has_field_at(const fs::path& generated, const std::string& field, unsigned offset) {
    const fs::path source = dir_ / "check_desc.sv";
    std::ofstream(source)
        << "module check_desc;\n"
        << "  localparam mmfree_contract_pkg::desc_t Probe = '{" << field << ": 32'hA5C3_0F96, default: '0};\n"
        << "  localparam logic [8*mmfree_contract_pkg::DescriptorBytes-1:0] Bits = Probe;\n"
        << "  if (Bits[8*" << offset << " +: 32] != 32'hA5C3_0F96 || $countones(Bits) != $countones(32'hA5C3_0F96))\n"
        << "    begin : g_misplaced\n"
        << "    $error(\"" << field << " is not at byte " << offset << "\");\n"
        << "  end\n"
        << "endmodule\n";
    return run(std::string(MMFREE_VERILATOR) + " --lint-only -Wall -Wno-DECLFILENAME --top-module check_desc " +
                   (generated / "mmfree_contract_pkg.sv").string() + " " + source.string(),
               dir_ / "sv.log") == 0;
  }

  fs::path dir_;
};

TEST_F(ContractViews, BuildHeaderAgreesWithTheHandCheckedLayout) {
  // docs/mmf-format.md's descriptor, as the image writer and every .mmf image use it.
  EXPECT_EQ(sizeof(ct::DeviceDescriptor), 128u);
  EXPECT_EQ(offsetof(ct::DeviceDescriptor, hidden_size), 0u);
  EXPECT_EQ(offsetof(ct::DeviceDescriptor, vocab_size), 12u);
  EXPECT_EQ(offsetof(ct::DeviceDescriptor, betas_offset), 96u);
  EXPECT_EQ(offsetof(ct::DeviceDescriptor, flags), 108u);
  EXPECT_EQ(ct::kDescriptorImageOffset, mmfree::mmf::kDeviceDescriptorOffset);
}

TEST_F(ContractViews, RealDescriptionPassesBothChecks) {
  const fs::path real = generate("real", MMFREE_CONTRACT_DESCRIPTION);
  EXPECT_TRUE(cpp_has_field_at(real, "vocab_size", 12)) << slurp(dir_ / "cpp.log");
  EXPECT_TRUE(sv_has_field_at(real, "vocab_size", 12)) << slurp(dir_ / "sv.log");
  // The checks can fail: the same field at a wrong byte is refused by both.
  EXPECT_FALSE(cpp_has_field_at(real, "vocab_size", 8));
  EXPECT_FALSE(sv_has_field_at(real, "vocab_size", 8));
}

TEST_F(ContractViews, MovingAFieldMovesItInCppAndSystemVerilog) {
  // Swap intermediate_size (byte 8) and vocab_size (byte 12) in the description only.
  const fs::path toml = edited("swapped", "name = \"intermediate_size\"\noffset = 8",
                               "name = \"intermediate_size\"\noffset = 12");
  std::string text = slurp(toml);
  const std::string from = "name = \"vocab_size\"\noffset = 12";
  text.replace(text.find(from), from.size(), "name = \"vocab_size\"\noffset = 8");
  std::ofstream(toml) << text;

  const fs::path swapped = generate("swapped", toml);
  EXPECT_TRUE(cpp_has_field_at(swapped, "vocab_size", 8)) << slurp(dir_ / "cpp.log");
  EXPECT_TRUE(cpp_has_field_at(swapped, "intermediate_size", 12)) << slurp(dir_ / "cpp.log");
  EXPECT_TRUE(sv_has_field_at(swapped, "vocab_size", 8)) << slurp(dir_ / "sv.log");
  EXPECT_TRUE(sv_has_field_at(swapped, "intermediate_size", 12)) << slurp(dir_ / "sv.log");
  // Code written against the old layout fails loudly in both languages.
  EXPECT_FALSE(cpp_has_field_at(swapped, "vocab_size", 12));
  EXPECT_NE(slurp(dir_ / "cpp.log").find("static assertion failed"), std::string::npos) << slurp(dir_ / "cpp.log");
  EXPECT_FALSE(sv_has_field_at(swapped, "vocab_size", 12));
  EXPECT_NE(slurp(dir_ / "sv.log").find("vocab_size is not at byte 12"), std::string::npos) << slurp(dir_ / "sv.log");
}

int generator_status(const fs::path& description, const fs::path& log) {
  return run(std::string(MMFREE_PYTHON) + " " + MMFREE_CONTRACT_GENERATOR + " --description " + description.string(),
             log);
}

TEST_F(ContractViews, GeneratorRefusesAGapInTheDescriptor) {
  const fs::path toml = edited("gap", "name = \"flags\"\noffset = 108", "name = \"flags\"\noffset = 112");
  EXPECT_NE(generator_status(toml, dir_ / "gap.log"), 0);
  EXPECT_NE(slurp(dir_ / "gap.log").find("flags"), std::string::npos) << slurp(dir_ / "gap.log");
}

TEST_F(ContractViews, GeneratorRefusesAFormulaOnAnUnknownField) {
  const fs::path toml = edited("formula", "round_up(vocab_size * 4, 64)", "round_up(vocab_sz * 4, 64)");
  EXPECT_NE(generator_status(toml, dir_ / "formula.log"), 0);
  EXPECT_NE(slurp(dir_ / "formula.log").find("vocab_sz"), std::string::npos) << slurp(dir_ / "formula.log");
}

TEST_F(ContractViews, GeneratorRefusesRoundingToANonPowerOfTwo) {
  const fs::path toml = edited("round", "round_up(vocab_size * 4, 64)", "round_up(vocab_size * 4, 48)");
  EXPECT_NE(generator_status(toml, dir_ / "round.log"), 0);
  EXPECT_NE(slurp(dir_ / "round.log").find("power of two"), std::string::npos) << slurp(dir_ / "round.log");
}

TEST(ContractLayouts, FormulasGiveTheDocumentedBytes) {
  // docs/device.md's examples: the demo model (L = 6, d = 256) and a 2-token command over V = 32000.
  EXPECT_EQ(ct::state_slot_bytes(6, 256), 8192u);
  EXPECT_EQ(ct::state_slot_offset(3, 6, 256), 3u * 8192u);
  EXPECT_EQ(ct::io_tokens_bytes(2, 1), 64u);
  EXPECT_EQ(ct::io_tokens_bytes(17, 1), 128u);
  EXPECT_EQ(ct::io_argmax_offset(2, 1), 64u);
  EXPECT_EQ(ct::io_logit_stride(32000), 128000u);
  EXPECT_EQ(ct::io_logit_stride(131), 576u);
  EXPECT_EQ(ct::io_logits_offset(2, 1, 32000, 1), 128u + 128000u);
}

TEST(ContractLayouts, LanesMultiplyTheTokenArea) {
  // N passes of K lanes: N*K token words, then as many argmax words, then the logits rows.
  EXPECT_EQ(ct::io_tokens_bytes(1, 16), 64u);
  EXPECT_EQ(ct::io_tokens_bytes(3, 4), 64u);
  EXPECT_EQ(ct::io_tokens_bytes(5, 4), 128u);
  EXPECT_EQ(ct::io_argmax_offset(5, 4), 128u);
  EXPECT_EQ(ct::io_logits_offset(5, 4, 131, 3), 256u + 3u * 576u);
  // K = 1 is the one-lane layout.
  for (uint64_t n : {1u, 15u, 16u, 17u, 100u})
    EXPECT_EQ(ct::io_tokens_bytes(n, 1), ct::round_up(4 * n, 64)) << n;
}

TEST(ContractNames, WeightPortsAndStatus) {
  EXPECT_EQ(ct::weight_port_argument(7), "w07");
  EXPECT_EQ(ct::weight_port_master(31), "m_axi_w31");
  EXPECT_EQ(ct::weight_port_counter(0), "w00_bytes");
  EXPECT_EQ(ct::weight_port_of_argument("w12"), 12u);
  EXPECT_FALSE(ct::weight_port_of_argument("w32").has_value());
  EXPECT_FALSE(ct::weight_port_of_argument("params").has_value());
  EXPECT_EQ(ct::describe_status(0), "0x00000000");
  const std::string both = ct::describe_status(0x2 | 0x8);
  EXPECT_EQ(both.find("too_large ("), 0u) << both;
  EXPECT_NE(both.find(", axi_error ("), std::string::npos) << both;
  EXPECT_NE(both.find("[0x0000000A]"), std::string::npos) << both;
}

}  // namespace
