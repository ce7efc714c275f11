// The register map's generated views agree with each other and with the checked-in docs, and
// the generator refuses inconsistent descriptions.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <unistd.h>

#include "mmfree/regmap.hpp"
#include "support/child_process.hpp"

namespace {

namespace fs = std::filesystem;
namespace rm = mmfree::regmap;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Regmap, CheckedInDocsEqualGeneratedTable) {
  const std::string generated = slurp(fs::path(MMFREE_CONTRACT_DIR) / "registers.md");
  const std::string checked_in = slurp(fs::path(MMFREE_SOURCE_ROOT) / "docs" / "registers.md");
  ASSERT_FALSE(generated.empty());
  EXPECT_EQ(checked_in, generated)
      << "docs/registers.md is stale: run `make contract-docs`";
}

TEST(Regmap, WordsDoNotOverlap) {
  // Every 32-bit word of the window is claimed by at most one name.
  std::map<uint32_t, std::string> owner;
  auto claim = [&](uint32_t offset, uint32_t bytes, const std::string& name) {
    EXPECT_EQ(offset % 4, 0u) << name;
    EXPECT_LE(offset + bytes, rm::kAddressRange) << name;
    for (uint32_t w = offset; w < offset + bytes; w += 4) {
      auto [it, fresh] = owner.emplace(w, name);
      EXPECT_TRUE(fresh) << name << " overlaps " << it->second << " at " << w;
    }
  };
  claim(rm::ctrl::kOffset, 4, "ctrl");
  claim(rm::gie::kOffset, 4, "gie");
  claim(rm::ier::kOffset, 4, "ier");
  claim(rm::isr::kOffset, 4, "isr");
  claim(rm::status::kOffset, 4, "status");
  for (const auto& a : rm::kArguments) claim(a.offset, a.size, std::string(a.name));
  for (const auto& c : rm::kCounters) claim(c.offset, 8, std::string(c.name));
  for (unsigned p = 0; p < rm::kMaxWeightPorts; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "w%02u", p);
    claim(rm::weight_port_offset(p), 8, name);
    std::snprintf(name, sizeof name, "w%02u_bytes", p);
    claim(rm::weight_port_bytes_offset(p), 8, name);
  }
}

TEST(Regmap, LaneSlotArgumentsFollowTheFixedOnes) {
  // lane_slot00..15 are ordinary scalar arguments at lane_slot_offset(k), in lane order, before the
  // weight ports (whose argument index is kArguments.size() + p).
  unsigned seen = 0;
  for (std::size_t i = 0; i < rm::kArguments.size(); ++i) {
    const auto& a = rm::kArguments[i];
    if (!a.name.starts_with("lane_slot")) continue;
    char name[32];
    std::snprintf(name, sizeof name, "lane_slot%02u", seen);
    EXPECT_EQ(a.name, name);
    EXPECT_EQ(a.offset, rm::lane_slot_offset(seen));
    EXPECT_EQ(a.size, 4u);
    EXPECT_EQ(a.kind, rm::ArgumentKind::Scalar);
    ++seen;
  }
  EXPECT_EQ(seen, rm::kMaxBatchLanes);
  EXPECT_EQ(rm::kArguments.back().name, "lane_slot15");
}

TEST(Regmap, VitisControlBitsAreTheStandardOnes) {
  // XRT drives ap_ctrl_hs kernels through these fixed bits, whatever our description says.
  EXPECT_EQ(rm::ctrl::kOffset, 0x00u);
  EXPECT_EQ(rm::ctrl::kApStart, 1u << 0);
  EXPECT_EQ(rm::ctrl::kApDone, 1u << 1);
  EXPECT_EQ(rm::ctrl::kApIdle, 1u << 2);
  EXPECT_EQ(rm::ctrl::kApReady, 1u << 3);
  EXPECT_EQ(rm::ctrl::kAutoRestart, 1u << 7);
  EXPECT_EQ(rm::gie::kOffset, 0x04u);
  EXPECT_EQ(rm::ier::kOffset, 0x08u);
  EXPECT_EQ(rm::isr::kOffset, 0x0Cu);
  EXPECT_EQ(rm::kArguments.front().offset, 0x10u);
}

TEST(Regmap, SvPackageAndKernelXmlCarryTheSameOffsets) {
  const std::string sv = slurp(fs::path(MMFREE_CONTRACT_DIR) / "mmfree_reg_pkg.sv");
  const std::string xml = slurp(fs::path(MMFREE_CONTRACT_DIR) / "kernel.xml");
  for (const auto& a : rm::kArguments) {
    // SV: ArgParamsOffset = 12'h010;  kernel.xml: name="params" ... offset="0x10"
    std::string camel;
    bool up = true;
    for (char ch : a.name) {
      if (ch == '_') { up = true; continue; }
      camel += up ? char(std::toupper(ch)) : ch;
      up = false;
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "%03X", a.offset);
    EXPECT_NE(sv.find("Arg" + camel + "Offset = 12'h" + hex + ";"), std::string::npos) << a.name;
    std::snprintf(hex, sizeof hex, "0x%X", a.offset);
    const std::regex arg("<arg name=\"" + std::string(a.name) + "\"[^>]*offset=\"" + hex + "\"");
    EXPECT_TRUE(std::regex_search(xml, arg)) << a.name;
  }
}

int run_generator(const fs::path& description, const fs::path& out_dir, std::string& stderr_text) {
  const auto r = mmfree::test::run_child({MMFREE_PYTHON, MMFREE_CONTRACT_GENERATOR, "--description",
                                          description.string(), "--cpp", (out_dir / "r.hpp").string()});
  stderr_text = r.err;
  return r.exit_code;
}

class GeneratorRefuses : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mmfree_regmap_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    original_ = slurp(MMFREE_CONTRACT_DESCRIPTION);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The real description with one substring replaced.
  fs::path broken(const std::string& from, const std::string& to) {
    std::string text = original_;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    const fs::path p = dir_ / "broken.toml";
    std::ofstream(p) << text;
    return p;
  }

  fs::path dir_;
  std::string original_;
};

TEST_F(GeneratorRefuses, OverlappingOffsets) {
  std::string err;
  EXPECT_NE(run_generator(broken("offset = 0x2C", "offset = 0x28"), dir_, err), 0);
  EXPECT_NE(err.find("overlaps"), std::string::npos) << err;
  EXPECT_NE(err.find("num_lanes"), std::string::npos) << err;
}

TEST_F(GeneratorRefuses, FieldOutsideTheWord) {
  std::string err;
  EXPECT_NE(run_generator(broken("bit = 7", "bit = 32"), dir_, err), 0);
  EXPECT_NE(err.find("auto_restart"), std::string::npos) << err;
}

TEST_F(GeneratorRefuses, MalformedToml) {
  std::string err;
  EXPECT_NE(run_generator(broken("[kernel]", "[kernel"), dir_, err), 0);
  EXPECT_NE(err.find("broken.toml"), std::string::npos) << err;
}

TEST_F(GeneratorRefuses, AcceptsTheRealDescription) {
  std::string err;
  EXPECT_EQ(run_generator(MMFREE_CONTRACT_DESCRIPTION, dir_, err), 0) << err;
  // The build's header came from the same description, so regenerating must reproduce it.
  EXPECT_TRUE(slurp(dir_ / "r.hpp") == slurp(fs::path(MMFREE_CONTRACT_DIR) / "mmfree" / "regmap.hpp"));
}

}  // namespace
